/**
 * The document client's commands as the dossier store writes them (`new PutCommand({...})`), without
 * the SDK's machinery in each: lib-dynamodb's command builds two commands, each with its own
 * middleware stack, for every request, which only the SDK's client uses. The simulation's
 * in-memory DynamoDB (runtime/memory-dynamodb.ts) reads nothing but the input, so the store hands
 * it these as they are; a real client gets lib-dynamodb's own command, made from the same input
 * (`sdkSender`), and sends exactly what it sent before (#19: building the commands was about a
 * twentieth of the store path's CPU in a simulated year). A command's class keeps lib-dynamodb's
 * name, so a test that counts commands by `constructor.name` counts them as before. The local
 * runtime's client, made with `cacheMiddleware`, is sent the same requests by `cachedSdkSender`
 * below (lib-dynamodb refuses such a client); a Lambda's client keeps lib-dynamodb's own path.
 */

import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand as SdkLowQueryCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
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
import { marshall, type marshallOptions as marshallOptionsType, unmarshall } from '@aws-sdk/util-dynamodb';

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

/**
 * lib-dynamodb's key nodes: which parts of a command's input are marshalled and which of its output
 * unmarshalled, read from lib-dynamodb's own commands once, so this sender converts the same parts.
 */
type KeyNodes = Record<string, unknown>;
/** lib-dynamodb's untyped walk and the SDK's middleware signatures, as loosely typed as theirs. */
// biome-ignore lint/suspicious/noExplicitAny: see above
type Loose = any;
const SELF = null;
const NEXT_LEVEL = '*';
const nodesOf = (c: Loose) => ({
  input: c.inputKeyNodes as KeyNodes,
  output: c.outputKeyNodes as KeyNodes,
});

/*
 * lib-dynamodb's processObj, processKeysInObj and processAllKeysInObj (@aws-sdk/lib-dynamodb
 * commands/utils, Apache-2.0), which it does not export: the same walk over the same key nodes.
 */
type Convert = (v: Loose) => Loose;
function processObj(obj: Loose, fn: Convert, keyNodes: Loose): Loose {
  if (obj === undefined) return undefined;
  if (keyNodes === SELF) return fn(obj);
  const keys = Object.keys(keyNodes);
  const goToNextLevel = keys.length === 1 && keys[0] === NEXT_LEVEL;
  if (keys.length >= 1 && !goToNextLevel) return processKeysInObj(obj, fn, keyNodes);
  if (keys.length === 0) return processAllKeysInObj(obj, fn, SELF);
  return Object.entries(obj ?? {}).reduce(
    (acc: Loose, [k, v]) => {
      if (typeof v !== 'function') acc[k] = processObj(v, fn, keyNodes[NEXT_LEVEL]);
      return acc;
    },
    Array.isArray(obj) ? [] : {},
  );
}
function processKeysInObj(obj: Loose, fn: Convert, keyNodes: Loose): Loose {
  let acc: Loose;
  if (Array.isArray(obj)) acc = obj.filter((item) => typeof item !== 'function');
  else {
    acc = {};
    for (const [k, v] of Object.entries(obj)) if (typeof v !== 'function') acc[k] = v;
  }
  for (const [nodeKey, nodes] of Object.entries(keyNodes)) {
    if (typeof obj[nodeKey] === 'function') continue;
    const processed = processObj(obj[nodeKey], fn, nodes);
    if (processed !== undefined && typeof processed !== 'function') acc[nodeKey] = processed;
  }
  return acc;
}
function processAllKeysInObj(obj: Loose, fn: Convert, keyNodes: Loose): Loose {
  if (Array.isArray(obj)) return obj.filter((i) => typeof i !== 'function').map((i) => processObj(i, fn, keyNodes));
  return Object.entries(obj).reduce((acc: Loose, [key, value]) => {
    if (typeof value === 'function') return acc;
    const processed = processObj(value, fn, keyNodes);
    if (processed !== undefined && typeof processed !== 'function') acc[key] = processed;
    return acc;
  }, {});
}

/**
 * A low-level command that marshalls its document input and unmarshalls its output in the same
 * steps lib-dynamodb's does (before the serializer and before the deserializer). Its middleware
 * holds nothing of one command (only the class's key nodes), so a client with `cacheMiddleware`
 * may resolve it once per class and run it for every later command of that class.
 */
function documentCommand(
  Base: new (...args: Loose[]) => Loose,
  nodes: { input: KeyNodes; output: KeyNodes },
  marshallOptions: marshallOptionsType,
): new (
  input: unknown,
) => Loose {
  const marshallOpts = {
    ...marshallOptions,
    convertTopLevelContainer: marshallOptions.convertTopLevelContainer ?? true,
  };
  const unmarshallOpts = { convertWithoutMapWrapper: true };
  return class extends Base {
    resolveMiddleware(clientStack: Loose, configuration: Loose, options: Loose) {
      this.middlewareStack.addRelativeTo(
        (next: Loose) => async (args: Loose) =>
          next({ ...args, input: processKeysInObj(args.input, (v) => marshall(v, marshallOpts), nodes.input) }),
        { name: 'DocumentMarshall', relation: 'before', toMiddleware: 'serializerMiddleware', override: true },
      );
      this.middlewareStack.addRelativeTo(
        (next: Loose) => async (args: Loose) => {
          const deserialized = await next(args);
          deserialized.output = processKeysInObj(
            deserialized.output,
            (v) => unmarshall(v, unmarshallOpts),
            nodes.output,
          );
          return deserialized;
        },
        { name: 'DocumentUnmarshall', relation: 'before', toMiddleware: 'deserializerMiddleware', override: true },
      );
      return super.resolveMiddleware(clientStack, configuration, options);
    }
  };
}

/**
 * The same requests as `sdkSender`, through a DynamoDB client made with `cacheMiddleware: true`
 * (the local runtime's): lib-dynamodb refuses such a client, because its commands' handlers hold
 * the command they were made for, so every call resolved the client's whole middleware stack again
 * (about 2.5 % of the local intake's CPU, #19). Same wire bytes and outputs as lib-dynamodb's
 * (test/cached-document-sender.test.ts holds them side by side against dynalite).
 */
export function cachedSdkSender(client: DynamoDBClient, marshallOptions: marshallOptionsType): DocumentCommandSender {
  if (client.config.cacheMiddleware !== true) throw new Error('cachedSdkSender needs a client with cacheMiddleware');
  const Put = documentCommand(PutItemCommand, nodesOf(new SdkPutCommand({} as PutCommandInput)), marshallOptions);
  const Get = documentCommand(GetItemCommand, nodesOf(new SdkGetCommand({} as GetCommandInput)), marshallOptions);
  const Query = documentCommand(
    SdkLowQueryCommand,
    nodesOf(new SdkQueryCommand({} as QueryCommandInput)),
    marshallOptions,
  );
  const Update = documentCommand(
    UpdateItemCommand,
    nodesOf(new SdkUpdateCommand({} as UpdateCommandInput)),
    marshallOptions,
  );
  const Transact = documentCommand(
    TransactWriteItemsCommand,
    nodesOf(new SdkTransactWriteCommand({} as TransactWriteCommandInput)),
    marshallOptions,
  );
  return {
    send: ((command: DocumentCommand) => {
      switch (command.kind) {
        case 'PutItem':
          return client.send(new Put(command.input) as never);
        case 'GetItem':
          return client.send(new Get(command.input) as never);
        case 'Query':
          return client.send(new Query(command.input) as never);
        case 'UpdateItem':
          return client.send(new Update(command.input) as never);
        case 'TransactWriteItems':
          return client.send(new Transact(command.input) as never);
        default:
          return Promise.reject(new Error(`not a dossier-store command: ${(command as object).constructor.name}`));
      }
    }) as DocumentCommandSender['send'],
  };
}
