/**
 * The meter counts each DynamoDB request of the in-memory store under its own operation, as AWS
 * bills it, and the items each one writes (runtime/usage.ts). The operation's name is made once
 * per command name (#19, session 17): a name kept for the wrong command would bill a GetItem as a
 * PutItem. The judge is the count AWS would bill for a known mix of requests.
 */
import { describe, expect, it } from 'vitest';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '../lambdas/adapters/document-commands.js';
import { tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { MemoryDynamoDb } from '../runtime/memory-dynamodb.js';
import { Usage } from '../runtime/usage.js';

const TABLE = 'usage-operations';

describe('the meter of the in-memory DynamoDB', () => {
  it('counts every request under its own operation, refused ones too, and the items written', async () => {
    const store = new MemoryDynamoDb();
    store.createTable(tableDefinition(TABLE));
    const usage = new Usage(true, { byFunction: false });
    usage.meterMemoryDynamoDb(store);
    const key = (sk: string) => ({ pk: 'DOSSIER#x', sk });

    await store.send(new PutCommand({ TableName: TABLE, Item: { ...key('A'), n: 1 } }));
    await store.send(new GetCommand({ TableName: TABLE, Key: key('A') }));
    await store.send(new GetCommand({ TableName: TABLE, Key: key('B'), ConsistentRead: true }));
    for (let i = 0; i < 3; i++)
      await store.send(
        new QueryCommand({
          TableName: TABLE,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'DOSSIER#x' },
        }),
      );
    await store.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: key('A'),
        UpdateExpression: 'SET n = :n',
        ExpressionAttributeValues: { ':n': 2 },
      }),
    );
    await store.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: key('C') } },
          { Put: { TableName: TABLE, Item: key('D') } },
          { ConditionCheck: { TableName: TABLE, Key: key('A'), ConditionExpression: 'attribute_exists(pk)' } },
        ],
      }),
    );
    // Refused: a failed conditional write is billed too.
    await expect(
      store.send(new PutCommand({ TableName: TABLE, Item: key('A'), ConditionExpression: 'attribute_not_exists(pk)' })),
    ).rejects.toThrow();

    expect(usage.counts.dynamodbRequests).toEqual({
      PutItem: 2,
      GetItem: 2,
      Query: 3,
      UpdateItem: 1,
      TransactWriteItems: 1,
    });
    expect(usage.counts.dynamodbFailures).toEqual({ ConditionalCheckFailedException: 1 });
    // PutItem 2 (the refused one counted as AWS counts a write), UpdateItem 1, the transaction's two puts.
    expect(usage.counts.itemsWritten).toBe(5);
  });
});
