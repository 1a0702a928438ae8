/**
 * The document client's commands as the dossier store writes them (`new PutCommand({...})`), without
 * the SDK's machinery in each: lib-dynamodb's command builds two commands, each with its own
 * middleware stack, for every request, which only the SDK's client uses. The simulation's
 * in-memory DynamoDB (runtime/memory-dynamodb.ts) reads nothing but the input, so the store hands
 * it these as they are; a real client gets lib-dynamodb's own command, made from the same input
 * (`sdkSender`), and sends exactly what it sent before (#19: building the commands was about a
 * twentieth of the store path's CPU in a simulated year). A command's class keeps lib-dynamodb's
 * name, so a test that counts commands by `constructor.name` counts them as before.
 */
import {
  type DynamoDBDocumentClient,
  type GetCommandInput,
  type GetCommandOutput,
  type PutCommandInput,
  type PutCommandOutput,
  type QueryCommandInput,
  type QueryCommandOutput,
  GetCommand as SdkGetCommand,
  PutCommand as SdkPutCommand,
  QueryCommand as SdkQueryCommand,
  TransactWriteCommand as SdkTransactWriteCommand,
  UpdateCommand as SdkUpdateCommand,
  type TransactWriteCommandInput,
  type TransactWriteCommandOutput,
  type UpdateCommandInput,
  type UpdateCommandOutput,
} from '@aws-sdk/lib-dynamodb';

/** lib-dynamodb's PutCommand, its input only. */
export class PutCommand {
  readonly kind = 'PutItem' as const;
  constructor(readonly input: PutCommandInput) {}
}
/** lib-dynamodb's GetCommand, its input only. */
export class GetCommand {
  readonly kind = 'GetItem' as const;
  constructor(readonly input: GetCommandInput) {}
}
/** lib-dynamodb's QueryCommand, its input only. */
export class QueryCommand {
  readonly kind = 'Query' as const;
  constructor(readonly input: QueryCommandInput) {}
}
/** lib-dynamodb's UpdateCommand, its input only. */
export class UpdateCommand {
  readonly kind = 'UpdateItem' as const;
  constructor(readonly input: UpdateCommandInput) {}
}
/** lib-dynamodb's TransactWriteCommand, its input only. */
export class TransactWriteCommand {
  readonly kind = 'TransactWriteItems' as const;
  constructor(readonly input: TransactWriteCommandInput) {}
}

export type DocumentCommand = PutCommand | GetCommand | QueryCommand | UpdateCommand | TransactWriteCommand;

/** What answers these commands: the in-memory DynamoDB as it is, a real client through `sdkSender`. */
export interface DocumentCommandSender {
  send(command: PutCommand): Promise<PutCommandOutput>;
  send(command: GetCommand): Promise<GetCommandOutput>;
  send(command: QueryCommand): Promise<QueryCommandOutput>;
  send(command: UpdateCommand): Promise<UpdateCommandOutput>;
  send(command: TransactWriteCommand): Promise<TransactWriteCommandOutput>;
}

/** A document client that is sent lib-dynamodb's own command for each (the SDK's path, AWS's). */
export function sdkSender(doc: DynamoDBDocumentClient): DocumentCommandSender {
  return {
    send: ((command: DocumentCommand) => {
      switch (command.kind) {
        case 'PutItem':
          return doc.send(new SdkPutCommand(command.input));
        case 'GetItem':
          return doc.send(new SdkGetCommand(command.input));
        case 'Query':
          return doc.send(new SdkQueryCommand(command.input));
        case 'UpdateItem':
          return doc.send(new SdkUpdateCommand(command.input));
        case 'TransactWriteItems':
          return doc.send(new SdkTransactWriteCommand(command.input));
        default:
          // Anything else (an SDK command handed in by mistake) would otherwise answer undefined
          // and do nothing: a delete that silently did not happen.
          return Promise.reject(new Error(`not a dossier-store command: ${(command as object).constructor.name}`));
      }
    }) as DocumentCommandSender['send'],
  };
}
