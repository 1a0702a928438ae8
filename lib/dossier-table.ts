/**
 * The dossier table: one DynamoDB table, keys and indexes taken from the store's own
 * `tableDefinition` so the cloud and the local runtime cannot differ. Dossiers are records an
 * organisation must keep: point-in-time recovery, deletion protection, retained on stack
 * deletion, encrypted with a key the organisation owns. TTL removes only the store's expiring
 * helper items (leases, idempotency records); dossier events never carry the attribute.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, type ITableV2, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { type IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct, type IConstruct } from 'constructs';
import { ERASING_ITEM_PREFIX, TTL_ATTRIBUTE, tableDefinition } from '../lambdas/adapters/dynamodb-store.js';
import { serviceGrantsOnlyKey } from './keys.js';
import { acknowledgeWildcard } from './nag.js';

export interface DossierTableProps {
  /**
   * The key that encrypts the table.
   * @default a new customer-managed key with yearly rotation, retained with the table
   */
  readonly encryptionKey?: IKey;
  /**
   * What happens to the table when the stack is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Whether DeleteTable is refused until someone turns this off.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/** The actions the handlers use on the table: the store appends and updates, never deletes. */
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'] as const;

const attributeType = (t: string) =>
  t === 'S' ? AttributeType.STRING : t === 'N' ? AttributeType.NUMBER : AttributeType.BINARY;

/** Table props derived from the store's CreateTable input. */
export function tableShape() {
  const def = tableDefinition('dossiers');
  const types = new Map(def.AttributeDefinitions.map((a) => [a.AttributeName, attributeType(a.AttributeType)]));
  const key = (schema: { AttributeName: string; KeyType: string }[], kind: 'HASH' | 'RANGE') => {
    const name = schema.find((k) => k.KeyType === kind)?.AttributeName;
    if (!name) throw new Error(`tableDefinition has no ${kind} key`);
    return { name, type: types.get(name) ?? AttributeType.STRING };
  };
  return {
    partitionKey: key(def.KeySchema, 'HASH'),
    sortKey: key(def.KeySchema, 'RANGE'),
    globalSecondaryIndexes: def.GlobalSecondaryIndexes.map((i) => ({
      indexName: i.IndexName,
      partitionKey: key(i.KeySchema, 'HASH'),
      sortKey: key(i.KeySchema, 'RANGE'),
    })),
  };
}

export class DossierTable extends Construct {
  readonly table: ITableV2;
  readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: DossierTableProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.encryptionKey =
      props.encryptionKey ??
      serviceGrantsOnlyKey(this, 'Key', {
        description: 'klachtflow: encrypts the dossiers',
        enableKeyRotation: true,
        // Without the key the retained table cannot be read: the key stays as long as the table.
        removalPolicy,
      });
    this.table = new TableV2(this, 'Table', {
      ...tableShape(),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.customerManagedKey(this.encryptionKey),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy,
    });
  }

  /** Read only (Get, Query) with the key: the intake recovery reads and starts, it writes nothing. */
  grantRead(grantee: IGrantable): void {
    this.table.grant(grantee, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:DescribeTable');
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:Decrypt', 'kms:DescribeKey'], resources: [this.encryptionKey.keyArn] }),
    );
    if (Construct.isConstruct(grantee))
      acknowledgeWildcard(
        grantee as IConstruct,
        `${this.table.tableArn}/index/*`,
        "Query on the indexes of this one table (the recovery reads the byRole index); the index names are the store's own.",
      );
  }

  /**
   * The one write the recovery makes: taking the mark of an erasure out of the index once the
   * erasure's schedule is made (AVG art. 5 lid 1 onder e; lambdas/domain/procedure/recovery.ts
   * recoverErasures). UpdateItem only on the marks' own partitions (`ERASING#<dossier>`):
   * dynamodb:LeadingKeys names the partition key of the item the request touches, so no dossier,
   * view or reference can be written by it. The key encrypts what the update writes.
   */
  grantConfirmErasures(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [this.table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${ERASING_ITEM_PREFIX}*`] } },
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [this.encryptionKey.keyArn],
      }),
    );
  }

  /** Read and append (Get, Query, Put, Update) with the key; no DeleteItem, no Scan. */
  grantReadAppend(grantee: IGrantable): void {
    this.table.grant(
      grantee,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:ConditionCheckItem',
      'dynamodb:DescribeTable',
      ...TABLE_WRITE_ACTIONS,
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
        resources: [this.encryptionKey.keyArn],
      }),
    );
    if (Construct.isConstruct(grantee))
      acknowledgeWildcard(
        grantee as IConstruct,
        `${this.table.tableArn}/index/*`,
        "Query on the worklist and report indexes of this one table; the index names are the store's own.",
      );
  }
}
