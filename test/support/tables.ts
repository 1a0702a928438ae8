import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/**
 * Creates a table and returns once dynalite says it is ACTIVE. dynalite makes a new table active on
 * a timer (createTableMs, even 0), so a request sent right after CreateTable's answer can meet
 * ResourceNotFoundException when the machine is busy (seen at load 9 in local-signer,
 * dynalite-parse-memo and dynalite-transactions). Bounded: 200 looks, 10 ms apart.
 */
export async function createActiveTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  await client.send(new CreateTableCommand(input));
  for (let i = 0; i < 200; i++) {
    const t = await client.send(new DescribeTableCommand({ TableName: input.TableName }));
    if (t.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`table ${input.TableName} not ACTIVE after 200 looks`);
}
