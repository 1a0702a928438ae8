// biome-ignore-all lint/suspicious/noExplicitAny: dynalite's modules are untyped JavaScript
/**
 * DynamoDB in memory, for the simulation: dynalite's own request validation (the expression
 * parsers, key and item checks, the error messages) and its own PutItem, GetItem, UpdateItem,
 * DeleteItem and Query actions, run in this process on sorted arrays instead of LevelDB, with no
 * HTTP server and no SDK in between. What DynamoDB decides (a condition that fails, the order of
 * an index, a page's Limit and LastEvaluatedKey, an item too large) is decided by the same code
 * that decides it for `npm start`; test/memory-dynamodb.test.ts holds the two to the same answers,
 * operation by operation, with fast-check generated sequences.
 *
 * It speaks the document client's commands (`PutCommand`, `QueryCommand`, ...: plain JavaScript
 * values, marshalled with the SDK's own marshaller and its `removeUndefinedValues`), so the
 * DynamoDB adapter (lambdas/adapters/dynamodb-store.ts) runs unchanged on it. Nothing is kept on
 * disk: `npm start` keeps dynalite; this is for a simulation whose data is thrown away.
 */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { itemBytes } from './usage.js';

const require = createRequire(import.meta.url);
const validations = require('dynalite/validations/index.js');
// A node_modules installed before the patch's last change (patch-package runs on npm install and
// cannot apply a changed patch over the old one): without its hook every request would be parsed
// again, silently slower. Said at once instead, with what mends it (about 3 s).
if (validations.parseExpressionHook !== true || require('dynalite/db/index.js').memoryStoreHooks !== true)
  throw new Error(
    'dynalite in node_modules is without the current project patch (patches/dynalite+4.0.0.patch): ' +
      'run `rm -rf node_modules/dynalite && npm install` to install it again with the patch.',
  );
// transactWriteItems: the project's patch of dynalite (patches/dynalite+4.0.0.patch, #19).
const ACTIONS = ['putItem', 'getItem', 'updateItem', 'deleteItem', 'query', 'transactWriteItems'] as const;
type Action = (typeof ACTIONS)[number];
/** dynalite's UpdateItem module: its applyUpdate (the item after an update, on a copy) for the synchronous UpdateItem and TransactWriteItems. */
const updateItemAction = require('dynalite/actions/updateItem.js') as {
  applyUpdate: (data: unknown, table: unknown, oldItem: unknown) => Record<string, unknown> | Error;
};
const actions = Object.fromEntries(ACTIONS.map((a) => [a, require(`dynalite/actions/${a}.js`)])) as Record<
  Action,
  (store: unknown, data: unknown, cb: (err: any, out?: any) => void) => void
>;
/**
 * dynalite's expression parsers (PEG.js), remembered while this store validates (issue 19: parsing
 * the same `attribute_not_exists(sk)` for every event was 7 % of a simulated year's CPU, and the
 * expressions with values, a dossier's key or a version, another 7 %). A parse depends on the
 * expression, its attribute names, whether it is a key condition, and of the values only on their
 * types (the parser checks an operand's type, never its content), except where BETWEEN compares
 * its bounds or attribute_type reads its type name. attribute_type is parsed every time. A
 * BETWEEN is remembered too (a dossier's commits are read with `sk BETWEEN :from AND :to`, parsed
 * anew for every read: 4 % of a simulated year's CPU, session 9): its parse succeeded, so the only
 * check that reads the values' content (checkBetweenArgs: the same type, lower bound not greater
 * than the upper) passed; a request whose bounds pass that same check gets the remembered tree,
 * and one whose bounds do not is parsed by dynalite, which answers with its own error. So a parse is
 * remembered under the expression, the names and the values' types, as a template whose values
 * are holes; each request gets a fresh copy of the tree (dynalite rewrites key conditions and
 * update sections in place) with its own value objects in the holes, exactly where the parser put
 * them, and marks the names and values it used, as the parse itself does. A parse that found a
 * mistake is remembered as its message. Only for the stores that ask for it (rememberedParse below).
 */
/**
 * A memo of at most `bound` entries that forgets the oldest first (the order they were first
 * remembered in), kept in a ring of its keys. It was a Map whose oldest key was found by
 * `keys().next()`, which skips every entry deleted since the Map last compacted itself: once a
 * memo of 20 000 was full, each new key cost about 46 us (a ring: under 1 us), and the key memos
 * fill up in a simulated year of some thousands of complaints (#19, session 14). Entries leave
 * only by being forgotten so, or all at once (clear).
 */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();
  private readonly ring: string[] = [];
  private oldest = 0;
  constructor(private readonly bound: number) {}
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  has(key: string): boolean {
    return this.map.has(key);
  }
  /** Remembers `value` under `key`; a key remembered already keeps its place in the order. */
  set(key: string, value: V): void {
    if (this.map.has(key)) {
      this.map.set(key, value);
      return;
    }
    if (this.map.size >= this.bound) this.map.delete(this.ring[this.oldest] as string);
    this.map.set(key, value);
    this.ring[this.oldest] = key;
    this.oldest = (this.oldest + 1) % this.bound;
  }
  clear(): void {
    this.map.clear();
    this.ring.length = 0;
    this.oldest = 0;
  }
  get size(): number {
    return this.map.size;
  }
  /** The keys, the oldest first (tests). */
  keys(): string[] {
    return [...this.map.keys()];
  }
}

const PARSE_MEMO_SIZE = 2000;
/** A hole in a remembered tree: the request's value of this name goes here. */
class Hole {
  constructor(readonly name: string) {}
}
const parseMemo = new BoundedMemo<{
  tree: unknown;
  names: string[];
  values: string[];
  between: [string | undefined, string | undefined][];
}>(PARSE_MEMO_SIZE);
/** How many parses were answered from memory (tests see that a server validates through the memo). */
let parsesRemembered = 0;
export const rememberedParses = () => parsesRemembered;
/** Parses whose result depends on a value's content, not only its type: never remembered. */
const VALUE_DEPENDENT = /attribute_type/i;
const BETWEEN = /between/i;
/** The bounds of every BETWEEN in a remembered tree (a hole's name, or undefined where the bound is no value). */
function betweenBounds(node: unknown, out: [string | undefined, string | undefined][] = []) {
  if (node === null || typeof node !== 'object' || node instanceof Hole) return out;
  if (Array.isArray(node)) {
    for (const n of node) betweenBounds(n, out);
    return out;
  }
  const n = node as { type?: unknown; args?: unknown[] };
  if (n.type === 'between' && Array.isArray(n.args)) {
    const [, lower, upper] = n.args;
    out.push([lower instanceof Hole ? lower.name : undefined, upper instanceof Hole ? upper.name : undefined]);
  }
  for (const k of Object.keys(node)) betweenBounds((node as Record<string, unknown>)[k], out);
  return out;
}
/** dynalite's getImmediateType (conditionParser.js): the first type a value carries. */
const IMMEDIATE_TYPES = ['S', 'N', 'B', 'NULL', 'BOOL', 'SS', 'NS', 'BS', 'L', 'M'];
function immediateType(val: any): string | null {
  if (!val || typeof val !== 'object' || Array.isArray(val) || val.attrType) return null;
  for (const t of IMMEDIATE_TYPES) if (val[t] != null) return t;
  return null;
}
/**
 * Whether dynalite's checkBetweenArgs would let these bounds pass: it refuses two values of
 * different types and a lower bound greater than the upper. Anything it might refuse is not
 * answered from memory (the parse runs and answers as it does).
 */
function betweenPasses(
  bounds: [string | undefined, string | undefined][],
  vals: Record<string, unknown>,
  compare: (op: string, a: unknown, b: unknown) => boolean,
): boolean {
  for (const [lower, upper] of bounds) {
    if (lower === undefined || upper === undefined) continue;
    const x = vals[lower];
    const y = vals[upper];
    const t1 = immediateType(x);
    const t2 = immediateType(y);
    if (!t1 || !t2 || t1 !== t2 || compare('GT', x, y)) return false;
  }
  return true;
}
const typeOf = (v: unknown) => (v && typeof v === 'object' ? Object.keys(v).join('+') : typeof v);

/** The tree with every value object of `vals` replaced by a hole naming it. */
function withHoles(node: unknown, byObject: Map<unknown, string>): unknown {
  if (node === null || typeof node !== 'object') return node;
  const name = byObject.get(node);
  if (name !== undefined) return new Hole(name);
  if (Array.isArray(node)) return node.map((n) => withHoles(n, byObject));
  // dynalite keeps nestedPaths and pathHeads without a prototype: a copy must too.
  const out: Record<string, unknown> = Object.getPrototypeOf(node) === null ? Object.create(null) : {};
  for (const k of Object.keys(node)) out[k] = withHoles((node as Record<string, unknown>)[k], byObject);
  return out;
}

/** A fresh copy of a remembered tree, with the request's own value objects in its holes. */
function filled(node: unknown, vals: Record<string, unknown>): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (node instanceof Hole) return vals[node.name];
  if (Array.isArray(node)) return node.map((n) => filled(n, vals));
  const out: Record<string, unknown> = Object.getPrototypeOf(node) === null ? Object.create(null) : {};
  for (const k of Object.keys(node)) out[k] = filled((node as Record<string, unknown>)[k], vals);
  return out;
}

/**
 * The nodes of a plan's template with no hole below them, frozen: a plan's condition, filter and
 * key conditions are only read by dynalite's actions (matchesExprFilter, query's key ranges), so a
 * request's tree copies only the nodes on the way to its values and shares the rest (copying the
 * whole tree was 3 % of the store's CPU replaying a year's requests, #19 session 11). Frozen, so
 * that no reader can change what the next request reads.
 */
const holeFree = new WeakSet<object>();
function markHoleFree(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return true;
  if (node instanceof Hole) return false;
  let free = true;
  if (Array.isArray(node)) for (const n of node) free = markHoleFree(n) && free;
  else for (const k of Object.keys(node)) free = markHoleFree((node as Record<string, unknown>)[k]) && free;
  if (free) holeFree.add(Object.freeze(node));
  return free;
}
/** As filled, sharing the template's nodes that have no hole (marked by markHoleFree). */
function filledShared(node: unknown, vals: Record<string, unknown>): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (node instanceof Hole) return vals[node.name];
  if (holeFree.has(node)) return node;
  if (Array.isArray(node)) return node.map((n) => filledShared(n, vals));
  const out: Record<string, unknown> = Object.getPrototypeOf(node) === null ? Object.create(null) : {};
  for (const k of Object.keys(node)) out[k] = filledShared((node as Record<string, unknown>)[k], vals);
  return out;
}

/** What fills a template for one request: its copy (filled, or filledShared), made by compileFiller. */
type Filler = (vals: Record<string, unknown>) => unknown;
/**
 * A template turned once into what fills it as `filled` does (`share`: as filledShared does), so
 * that a request no longer walks the template's keys, prototypes and marks (filling the plans'
 * templates that way was about 1 % of a simulated year's CPU, #19 session 14). The template is
 * never changed after it is made (its hole-free nodes frozen), so what is read of it now is what
 * each fill would read. test/memory-dynamodb.test.ts holds plans to dynalite's answers, and
 * test/memory-dynamodb-memo.test.ts a compiled fill to filled's.
 */
export function compileFiller(node: unknown, share: boolean): Filler {
  if (node === null || typeof node !== 'object') return () => node;
  if (node instanceof Hole) {
    const name = node.name;
    return (vals) => vals[name];
  }
  if (share && holeFree.has(node)) return () => node;
  if (Array.isArray(node)) {
    // As Array.prototype.map: a hole stays a hole.
    const parts: (Filler | undefined)[] = [];
    for (let i = 0; i < node.length; i++) parts.push(i in node ? compileFiller(node[i], share) : undefined);
    const length = node.length;
    return (vals) => {
      const out = new Array(length);
      for (let i = 0; i < length; i++) {
        const part = parts[i];
        if (part !== undefined) out[i] = part(vals);
      }
      return out;
    };
  }
  const bare = Object.getPrototypeOf(node) === null;
  const keys = Object.keys(node);
  const parts = keys.map((k) => compileFiller((node as Record<string, unknown>)[k], share));
  return (vals) => {
    const out: Record<string, unknown> = bare ? Object.create(null) : {};
    for (let i = 0; i < keys.length; i++) out[keys[i] as string] = (parts[i] as Filler)(vals);
    return out;
  };
}
/** The templates' tests: filled and filledShared as they were. */
export const templateFills = { filled, filledShared, markHoleFree, Hole };

type Parser = { parse: (str: string, options: { context: any }) => unknown };
/** dynalite's expression parsers, by the name a remembered parse is kept under. */
const PARSERS = new Map<Parser, string>([
  [require('dynalite/db/conditionParser.js'), 'condition'],
  [require('dynalite/db/updateParser.js'), 'update'],
  [require('dynalite/db/projectionParser.js'), 'projection'],
]);

/**
 * One expression parsed as `parser.parse` parses it, remembered as said above. dynalite calls it in
 * place of its parser for a store whose options carry it (`parseExpression`, the hook in
 * patches/dynalite+4.0.0.patch): this memory store, and the dynalite servers the runtime and the
 * bench start with `rememberParses` (runtime/dynamodb.ts, #19).
 */
export function rememberedParse(parser: Parser, str: string, context: any): unknown {
  const id = PARSERS.get(parser);
  if (id === undefined || !context) return parser.parse(str, { context });
  const vals: Record<string, unknown> = context.attrVals ?? {};
  if (context.attrVals != null && VALUE_DEPENDENT.test(str)) return parser.parse(str, { context });
  const valueTypes = Object.keys(vals).map((k) => `${k}=${typeOf(vals[k])}`);
  const key = `${id}\u0000${context.isKeyCondition ? 'key' : ''}\u0000${str}\u0000${JSON.stringify(context.attrNames ?? null)}\u0000${valueTypes.join(',')}`;
  const known = parseMemo.get(key);
  if (known && (known.between.length === 0 || betweenPasses(known.between, vals, context.compare))) {
    parsesRemembered++;
    for (const n of known.names) delete context.unusedAttrNames[n];
    for (const n of known.values) delete context.unusedAttrVals[n];
    return filled(known.tree, vals);
  }
  // The names and values this expression uses, all of them: the parse is given every name and
  // value as unused and marks what it uses, then the request's own marks are taken off. Counting
  // only what it took off the request's marks forgot a name an earlier expression of the same
  // request had used already ('SET #t = :v' before the condition '#t = :v'): the next request
  // with that condition and without #t elsewhere was refused for an unused #t (found by the
  // shape test in test/memory-dynamodb.test.ts, #19 session 10).
  const all = (o: unknown) => Object.fromEntries(Object.keys(o ?? {}).map((k) => [k, true]));
  const probe = { ...context, unusedAttrNames: all(context.attrNames), unusedAttrVals: all(context.attrVals) };
  const tree = parser.parse(str, { context: probe });
  const names = Object.keys(context.attrNames ?? {}).filter((n) => !(n in probe.unusedAttrNames));
  const values = Object.keys(vals).filter((n) => !(n in probe.unusedAttrVals));
  for (const n of names) delete context.unusedAttrNames?.[n];
  for (const n of values) delete context.unusedAttrVals?.[n];
  // A refused BETWEEN (the parser answers a mistake as its message) may be refused for its
  // bounds' content: not remembered, the next request's bounds are checked by the parse itself.
  if (typeof tree === 'string' && BETWEEN.test(str)) return tree;
  const byObject = new Map<unknown, string>();
  for (const k of Object.keys(vals)) if (vals[k] && typeof vals[k] === 'object') byObject.set(vals[k], k);
  const template = withHoles(tree, byObject);
  parseMemo.set(key, {
    tree: template,
    between: betweenBounds(template),
    names,
    values,
  });
  return tree;
}

/**
 * dynalite's queryTable, for this store's sorted arrays: the same range, Limit, 1 MB page,
 * filter, LastEvaluatedKey and projection, read in one synchronous pass instead of through a value
 * stream and the `lazy` library (a Query of a dossier's 20 events took about 0.7 ms of CPU, most of
 * it in the streams). Only for a memory store that asks no consumed capacity and reads no item
 * back from the table (an index projecting fewer attributes than asked): the rest goes to
 * dynalite's own. dynalite's server in the same process keeps its own.
 */
const db = require('dynalite/db/index.js');
/** The memory store's synchronous PutItem stands aside for dynalite's action (a key held locked). */
const LOCKED = Symbol('locked');
const ONE_MB = 1024 * 1024;
/**
 * An item's size as dynalite's Query counts it toward the 1 MB page, remembered per stored item:
 * a stored item is never changed in place (an update writes a copy), and a dossier's events are
 * read many times (the sizes were a tenth of a Query's CPU).
 */
const sizes = new WeakMap<object, number>();
function compressedSize(item: object, rangeKey: string | undefined): number {
  let size = sizes.get(item);
  if (size === undefined) {
    size = db.itemSize(item, true, true, rangeKey) as number;
    sizes.set(item, size);
  }
  return size;
}
function memoryQueryTable(
  store: any,
  table: any,
  data: any,
  opts: any,
  isLocal: boolean,
  fetchFromItemDb: boolean,
  startKeyNames: string[],
  cb: (err: any, out?: any) => void,
): boolean {
  const calculateCapacity = data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES';
  // Left to dynalite's own (patches/dynalite+4.0.0.patch: false goes on in its queryTable).
  if (fetchFromItemDb || calculateCapacity) return false;
  const sub: SortedStore = data.IndexName
    ? store.getIndexDb(isLocal ? 'local' : 'global', data.TableName, data.IndexName)
    : store.getItemDb(data.TableName);
  const rangeKey = table.KeySchema[1]?.AttributeName;
  // The range's own array, cut where dynalite's takeWhile stops (at Limit or once a megabyte was read).
  let items: any[] = sub.rangeValues(opts);
  let size = 0;
  let count = 0;
  while (count < items.length) {
    if (count >= data.Limit || size >= ONE_MB) break;
    size += compressedSize(items[count] as object, rangeKey);
    count++;
  }
  items.length = count;
  const lastItem = items[items.length - 1];
  if (data._filter) items = items.filter((val) => db.matchesExprFilter(val, data._filter.expression));
  else if (data.QueryFilter || data.ScanFilter) {
    const queryFilter = data.QueryFilter || data.ScanFilter;
    items = items.filter((val) => db.matchesFilter(val, queryFilter, data.ConditionalOperator));
  }
  const result: Record<string, unknown> = { ScannedCount: count };
  if (count >= data.Limit || size >= ONE_MB) {
    if (data.Limit) items.splice(data.Limit);
    if (lastItem) {
      result.LastEvaluatedKey = startKeyNames.reduce((key: Record<string, unknown>, attr) => {
        key[attr] = lastItem[attr];
        return key;
      }, {});
    }
  }
  const paths = data._projection ? data._projection.paths : data.AttributesToGet;
  if (paths) items = items.map((item) => db.mapPaths(paths, item));
  result.Count = items.length;
  if (data.Select !== 'COUNT') result.Items = items;
  cb(null, result);
  return true;
}

/**
 * dynalite's key of an item (`<hash prefix>/<partition key>/<sort key>/`), where the hash prefix is
 * an MD5 of the partition key's bytes: the same dossier's key is hashed again for every read and
 * write of it (the hashing was 3 % of a simulated year's CPU, #19). For this store's tables the
 * key's partition (`<hash prefix>/<partition key>/`, the hash and the hex of a string partition
 * key) is remembered whole, bounded (the oldest forgotten first): one lookup instead of two, and
 * the same string each time, whose hash the Maps of SortedStore then need not compute again
 * (a partition sliced from each new key and hashed anew, and the two memos of its pieces, were
 * about 2 % of a simulated year's CPU, #19 session 17). The rest is built as dynalite's createKey
 * builds it. dynalite's server in the same process keeps its own, and test/memory-dynamodb.test.ts
 * holds the two to the same answers.
 */
const PARTITION_MEMO_SIZE = 20_000;
const partitionMemo = new BoundedMemo<string>(PARTITION_MEMO_SIZE);
function rememberedPartition(value: unknown, type: string): string {
  if (type !== 'S' || typeof value !== 'string') return `${db.hashPrefix(value, type)}/${db.toRangeStr(value, type)}/`;
  let partition = partitionMemo.get(value);
  if (partition === undefined) {
    partition = `${db.hashPrefix(value, type)}/${rememberedRangeStr(value, type)}/`;
    partitionMemo.set(value, partition);
  }
  return partition;
}
/**
 * dynalite's toRangeStr of a string key piece (its UTF-8 bytes in hex, through a Buffer each time:
 * 2.9 % of the store's CPU replaying a simulated year's requests, #19 session 11), remembered as
 * the hash prefixes are (bounded, oldest forgotten first): a dossier's key and an event's sort key
 * are written and read many times. Numbers and binaries are converted by dynalite every time.
 */
const RANGE_MEMO_SIZE = 20_000;
const rangeMemo = new BoundedMemo<string>(RANGE_MEMO_SIZE);
function rememberedRangeStr(value: unknown, type: string): string {
  if (type !== 'S' || typeof value !== 'string') return db.toRangeStr(value, type);
  let hex = rangeMemo.get(value);
  if (hex === undefined) {
    hex = db.toRangeStr(value, type) as string;
    rangeMemo.set(value, hex);
  }
  return hex;
}
/**
 * The key attributes and their types as dynalite's traverseKey visits them, per key schema (a
 * table's or an index's, never changed after CreateTable): traverseKey looked each one up in the
 * attribute definitions for every key built.
 */
const keyAttributes = new WeakMap<object, [string, string][]>();
function keyAttributesOf(table: any, keySchema: any): [string, string][] {
  let attrs = keyAttributes.get(keySchema);
  if (attrs === undefined) {
    const found: [string, string][] = [];
    db.traverseKey(table, keySchema, (attr: string, type: string) => {
      found.push([attr, type]);
    });
    attrs = found;
    keyAttributes.set(keySchema, attrs);
  }
  return attrs;
}
/** The partition of an item's key in a key schema (its hash key's: rememberedPartition). */
function memoryPartitionOf(item: any, attrs: [string, string][]): string {
  const [attr, type] = attrs[0] as [string, string];
  return rememberedPartition(item[attr][type], type);
}
/** The item's key in that schema, after its partition (memoryPartitionOf), as dynalite's createKey makes it. */
function memoryKeyIn(partition: string, item: any, attrs: [string, string][]): string {
  let key = partition;
  for (let i = 1; i < attrs.length; i++) {
    const [attr, type] = attrs[i] as [string, string];
    key += `${rememberedRangeStr(item[attr][type], type)}/`;
  }
  return key;
}
function memoryCreateKey(item: any, table: any, keySchema?: any): string {
  const attrs = keyAttributesOf(table, keySchema ?? table.KeySchema);
  return memoryKeyIn(memoryPartitionOf(item, attrs), item, attrs);
}

/**
 * The key attributes of each index of a table, as dynalite's traverseIndexes visits them (per
 * table definition, never changed after CreateTable).
 */
const indexKeyAttributes = new WeakMap<object, [string, string][]>();
function indexKeyAttributesOf(table: any): [string, string][] {
  let attrs = indexKeyAttributes.get(table);
  if (attrs === undefined) {
    const found: [string, string][] = [];
    db.traverseIndexes(table, (attr: string, type: string) => {
      found.push([attr, type]);
    });
    attrs = found;
    indexKeyAttributes.set(table, attrs);
  }
  return attrs;
}
/**
 * dynalite's validateItem (a PutItem's item: its key attributes there, of their type, a string key
 * not empty and within checkKeySize's limits of 2 048 and 1 024 code units, each index key of its
 * type where present), answered at once where the item passes every one of those checks with
 * string keys: it then finds nothing. Any other item (a missing or empty key, a number or binary
 * key, a long one, an index key of another type) is checked by dynalite's own, which answers with
 * its message. dynalite walks the key schema and the indexes with a closure each (its traverseKey,
 * traverseIndexes and their closures, for items and Queries, were 3 % of the samples of a replay of
 * a simulated year's requests, bench/store-replay.ts, session 18); test/memory-dynamodb.test.ts
 * holds the answers to dynalite's for items at and over each of those limits.
 */
function validateItemFast(item: any, table: any): unknown {
  const attrs = keyAttributesOf(table, table.KeySchema);
  for (let i = 0; i < attrs.length; i++) {
    const [attr, type] = attrs[i] as [string, string];
    const v = item[attr]?.[type];
    if (type !== 'S' || typeof v !== 'string' || v === '' || v.length > (i === 0 ? 2048 : 1024))
      return db.validateItem(item, table);
  }
  for (const [attr, type] of indexKeyAttributesOf(table)) {
    const v = item[attr];
    if (v != null && v[type] == null) return db.validateItem(item, table);
  }
  return null;
}

/** A ValidationException as dynalite's actions answer it (db.validationError), as the SDK raises it. */
function validationRefusal(message: string): Error {
  return errorFrom(db.validationError(message).body);
}

/** dynalite's toRangeStr of an attribute value without its type given (the first type it carries). */
function rangeStrOf(value: any): string {
  let type = '';
  for (type in value) break;
  return rememberedRangeStr(value[type], type);
}

/**
 * dynalite's key of an item in an index (createIndexKey): the index's own key, then a hash of the
 * table's key (which orders items with the same index key). dynalite builds it with two MD5s for
 * every index an item is in, for the item written and again for the item it replaces (its keys
 * were 2 % of a 1 000-complaint year's CPU, #19 session 9). For this store's tables both hashes are
 * remembered as createKey's are (bounded, oldest forgotten first); dynalite's own getIndexActions
 * and updateIndexes stay for its server in the same process. test/memory-dynamodb.test.ts holds
 * the indexes' order and contents to dynalite's.
 */
const PAIR_MEMO_SIZE = 20_000;
const pairMemo = new BoundedMemo<string>(PAIR_MEMO_SIZE);
function rememberedPairHash(pieces: unknown[]): string {
  // Each piece with its length: no two lists of strings share a memo key.
  let key = '';
  for (const p of pieces) {
    if (typeof p !== 'string') return db.hashPrefix(...pieces);
    key += `${p.length}:${p}`;
  }
  let hash = pairMemo.get(key);
  if (hash === undefined) {
    hash = db.hashPrefix(...pieces) as string;
    pairMemo.set(key, hash);
  }
  return hash;
}
/** The item's key in an index (`partition`: its partition there, memoryPartitionOf of the index's key attributes). */
/** The hash of an item's table key that ends each of its index keys (the same in every index it is in). */
function tableKeyHash(item: any, table: any): string {
  const tableKeyPieces: unknown[] = [];
  for (const [attr, type] of keyAttributesOf(table, table.KeySchema)) tableKeyPieces.push(item[attr][type], type);
  return rememberedPairHash(tableKeyPieces);
}
/** An index's key attributes and, where it projects fewer than all, the attributes it keeps (per index, as CreateTable made it). */
const indexShapes = new WeakMap<object, { keys: string[]; kept: string[] | undefined }>();
function indexShapeOf(index: any, table: any): { keys: string[]; kept: string[] | undefined } {
  let shape = indexShapes.get(index);
  if (shape === undefined) {
    const keys: string[] = index.KeySchema.map((key: any) => key.AttributeName);
    const tableKeys: string[] = table.KeySchema.map((key: any) => key.AttributeName);
    const kept =
      index.Projection.ProjectionType !== 'ALL'
        ? keys.concat(tableKeys, index.Projection.NonKeyAttributes || [])
        : undefined;
    shape = { keys, kept };
    indexShapes.set(index, shape);
  }
  return shape;
}
function hasAll(item: any, keys: string[]): boolean {
  for (const k of keys) if (item[k] == null) return false;
  return true;
}
/** An index write of memoryGetIndexActions: dynalite's, with the key's partition (SortedStore.putIn, delIn). */
type IndexPut = { index: string; key: string; item: unknown; partition: string };
type IndexDelete = { index: string; key: string; partition: string };
/**
 * An item's keys in each index of a list (a table's global or local indexes), as partition and key
 * in turn (undefined where the item is not in that index), per item: a stored item is never
 * changed in place (an update writes a copy), so the keys it was written under are the keys it is
 * deleted under when it is replaced. Without them each replaced view had its three index keys
 * made again (partition, sort key, the pair hash, built and hashed anew: #19, session 17). Weak:
 * an entry goes with its item; an item in no index has none.
 */
const indexKeysOf = new WeakMap<object, WeakMap<object, (string | undefined)[]>>();
function itemIndexKeys(indexes: any[], item: any, table: any): (string | undefined)[] {
  let byItem = indexKeysOf.get(indexes);
  if (byItem === undefined) {
    byItem = new WeakMap();
    indexKeysOf.set(indexes, byItem);
  }
  let keys = byItem.get(item);
  if (keys === undefined) {
    let any = false;
    let pairHash: string | undefined;
    keys = new Array(2 * indexes.length);
    for (let i = 0; i < indexes.length; i++) {
      const index = indexes[i];
      const { keys: attrNames, kept } = indexShapeOf(index, table);
      if (!hasAll(item, attrNames)) continue;
      let itemPieces = item;
      if (kept !== undefined) {
        itemPieces = Object.create(null);
        for (const attr of kept) itemPieces[attr] = item[attr];
      }
      const attrs = keyAttributesOf(table, index.KeySchema);
      const partition = memoryPartitionOf(itemPieces, attrs);
      // The table key's hash made once for all the item's indexes (it was made for each).
      pairHash ??= tableKeyHash(item, table);
      keys[2 * i] = partition;
      keys[2 * i + 1] = memoryKeyIn(partition, itemPieces, attrs) + pairHash;
      any = true;
    }
    // Only items in some index are remembered (a view, a mark; not a commit): the table of a
    // WeakMap keeps the room its dead entries took until it grows again, and the heap probe of
    // test/memory.test.ts counted that room per closed complaint (1 866 B against its 1 800).
    if (any) byItem.set(item, keys);
  }
  return keys;
}
/** dynalite's getIndexActions, with the remembered keys for this store's tables (and each write's partition). */
function memoryGetIndexActions(indexes: any[], existingItem: any, item: any, table: any) {
  const puts: IndexPut[] = [];
  const deletes: IndexDelete[] = [];
  const itemKeys = item ? itemIndexKeys(indexes, item, table) : undefined;
  const existingKeys = existingItem ? itemIndexKeys(indexes, existingItem, table) : undefined;
  for (let i = 0; i < indexes.length; i++) {
    const index = indexes[i];
    let key: string | null = null;
    const partition = itemKeys?.[2 * i];
    if (partition !== undefined) {
      key = itemKeys?.[2 * i + 1] as string;
      let itemPieces = item;
      const { kept } = indexShapeOf(index, table);
      if (kept !== undefined) {
        itemPieces = Object.create(null);
        for (const attr of kept) itemPieces[attr] = item[attr];
      }
      puts.push({ index: index.IndexName, key, item: itemPieces, partition });
    }
    const existingPartition = existingKeys?.[2 * i];
    if (existingPartition !== undefined) {
      const existingKey = existingKeys?.[2 * i + 1] as string;
      if (existingKey !== key) deletes.push({ index: index.IndexName, key: existingKey, partition: existingPartition });
    }
  }
  return { puts, deletes };
}
/**
 * What a table of this store answers for dynalite's createKey and getIndexActions (its definition
 * carries it as `memoryKeys`: dynalite passes these the table, not the store).
 */
const MEMORY_KEYS = (table: any) => ({
  createKey: (item: any, keySchema?: any) => memoryCreateKey(item, table, keySchema),
  getIndexActions: (indexes: any[], existingItem: any, item: any) =>
    memoryGetIndexActions(indexes, existingItem, item, table),
});

/**
 * An item's index writes, as dynalite's updateIndexes and PutItem order them: every delete (the
 * local indexes', then the global ones'), then every put. For this store's tables only (their keys
 * remembered: memoryGetIndexActions); each put told its partition (SortedStore.putIn).
 */
function applyIndexWrites(store: any, table: any, existingItem: any, item: any): void {
  const local = table.LocalSecondaryIndexes;
  const global = table.GlobalSecondaryIndexes;
  const l = local?.length ? memoryGetIndexActions(local, existingItem, item, table) : undefined;
  const g = global?.length ? memoryGetIndexActions(global, existingItem, item, table) : undefined;
  if (l) for (const d of l.deletes) store.getIndexDb('local', table.TableName, d.index).delIn(d.partition, d.key);
  if (g) for (const d of g.deletes) store.getIndexDb('global', table.TableName, d.index).delIn(d.partition, d.key);
  if (l) for (const p of l.puts) store.getIndexDb('local', table.TableName, p.index).putIn(p.partition, p.key, p.item);
  if (g) for (const p of g.puts) store.getIndexDb('global', table.TableName, p.index).putIn(p.partition, p.key, p.item);
}

/** dynalite's updateIndexes (UpdateItem's and DeleteItem's index writes): deletes first, then puts, as it does. */
function memoryUpdateIndexes(store: any, table: any, existingItem: any, item: any, cb: (err?: any) => void) {
  if (!existingItem && !item) return cb();
  // The memory store's puts and deletes answer at once: no callbacks in parallel to wait for.
  applyIndexWrites(store, table, existingItem, item);
  cb();
}

/**
 * ReturnValuesOnConditionCheckFailure: DynamoDB takes it on PutItem, UpdateItem and DeleteItem
 * (API reference: ALL_OLD or NONE) and refuses any other value with a ValidationException.
 * dynalite 4's single-item types predate it (its checkTypes drops the field, so any value passes
 * there); the project's TransactWriteItems (validations/transactWriteItems.js, actionTypes) knows it
 * as this enum. The single-item checks here carry it the same way, so that dynalite's own generic
 * check refuses another value with its own message, as it refuses it in a transaction's action
 * (test/memory-dynamodb.test.ts holds the two answers to each other).
 */
const ON_CONDITION_CHECK_FAILURE = { type: 'String', enum: ['ALL_OLD', 'NONE'] } as const;
const actionValidations = Object.fromEntries(
  ACTIONS.map((a) => {
    const v = require(`dynalite/validations/${a}.js`);
    if (a !== 'putItem' && a !== 'updateItem' && a !== 'deleteItem') return [a, v];
    return [a, { ...v, types: { ...v.types, ReturnValuesOnConditionCheckFailure: ON_CONDITION_CHECK_FAILURE } }];
  }),
) as Record<Action, { types: unknown; custom?: unknown }>;

/**
 * dynalite's checkValidations is two checks in a row: the generic one (a required field missing,
 * the table's name, each field's enum, pattern, length and bounds) and the action's own (custom:
 * the attribute values, the item's size, the expressions, the key conditions). The generic one
 * reads only the request's plain fields (strings, numbers, booleans) and whether each map is
 * there: a map of attribute values or of names has no check on its members (its children are a
 * bare type). So a request whose plain fields are the same, field for field, and whose maps are
 * present or absent alike is answered the same by it: its shape. Once a request of a shape passed
 * both checks, the next of that shape runs only the action's own check, in full, on its own values
 * (sizes over 400 KB, empty key strings, numbers, sets, reserved words and unused names are all
 * decided there, by dynalite). The generic check was about a fifth of the validation's CPU (1.5 %
 * of a simulated year, #19 session 10). A request with a field of any other kind (Expected,
 * KeyConditions, QueryFilter, AttributeUpdates, AttributesToGet, TransactItems: maps and lists whose
 * members are checked) has no shape and is checked whole, as is any request that was refused.
 * test/memory-dynamodb.test.ts holds the answers to dynalite's, also for requests of a remembered
 * shape that differ in what makes them invalid.
 */
const SHAPE_MEMO_SIZE = 2000;
const passedShapes = new BoundedMemo<true>(SHAPE_MEMO_SIZE);
const NO_GENERIC_CHECKS = Object.freeze({});
function shapeOf(action: Action, data: Record<string, unknown>, types: Record<string, any>): string | undefined {
  // The fields present, each with its value (a string with its length before it, so that no value
  // can pass for a field boundary); a field absent is not in it, so the fields present are named.
  let shape: string = action;
  for (const k in data) {
    const v = data[k];
    if (v === null || v === undefined) continue;
    const t = types[k];
    if (t === undefined) return undefined;
    const type = typeof t === 'string' ? t : t.type;
    if (typeof v === 'string') shape += `\u0000${k}\u0000${v.length}:${v}`;
    else if (type === 'Map<AttributeValue>' || type === 'Map<java.lang.String>') shape += `\u0000${k}\u0000{}`;
    else if (typeof v === 'number' || typeof v === 'boolean') shape += `\u0000${k}\u0000${typeof v}:${v}`;
    else return undefined;
  }
  return shape;
}
/**
 * The structural step beyond the shape (#19, session 11): a request whose shape passed and whose
 * expressions, attribute names and values' types are the same as those of a request that passed
 * dynalite's whole check is answered by a plan: what that check derived (the parsed condition,
 * update, key condition, filter and projection, and a Query's key conditions), with the request's
 * own value objects in the holes where the first one's were. dynalite's action check reads of a
 * request's content only the attribute values themselves (validateAttributeValue: numbers, sets,
 * NULL), an item's size, and a BETWEEN's bounds; everything else it decides (expression syntax,
 * reserved words, names and values used or unused, operand types, key condition structure,
 * ReturnValues, which parameters go together) is the same for every request of the plan. So a
 * request follows the plan only when every attribute value in it is one dynalite's check can
 * neither refuse nor rewrite (strings, booleans, NULL true, integers written canonically with at
 * most 15 digits, maps and lists of those), its item is within the size limit and its BETWEEN
 * bounds pass checkBetweenArgs; any other request (a set, a fraction, a number dynalite would
 * rewrite, an item too large, bounds in the wrong order) is checked by dynalite, whole, as before.
 * A plan is remembered only after dynalite's check passed, never for attribute_type (whose parse
 * reads a value's content), never for a request checkTypes had to convert. dynalite's check of the
 * expressions (parse, names, values) was the larger part of the validation's 7 % of a simulated
 * year (profile of 1 000 complaints); test/memory-dynamodb.test.ts holds plans to dynalite's answers.
 */
interface Plan {
  /** Each derived field and what fills its template (sharing what has no hole where dynalite's actions only read it). */
  derived: [string, Filler][];
  between: [string | undefined, string | undefined][];
}
const PLAN_MEMO_SIZE = 2000;
const plans = new BoundedMemo<Plan>(PLAN_MEMO_SIZE);
/** What dynalite's action checks set on a request (validateExpressions; Query's convertKeyCondition). */
const DERIVED_FIELDS = ['_updates', '_condition', '_keyCondition', '_filter', '_projection', 'KeyConditions'];
/** What dynalite's actions only read: checkConditional, queryTable's filter, query's key ranges (never _updates). */
const READ_ONLY_FIELDS = new Set(['_condition', '_keyCondition', '_filter', 'KeyConditions']);
/** The maps of attribute values a request of a plan may have (the rest have no shape). */
const VALUE_MAPS = ['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey'];
const EXPRESSION_FIELDS = [
  'ConditionExpression',
  'UpdateExpression',
  'KeyConditionExpression',
  'FilterExpression',
  'ProjectionExpression',
];
/** How many requests followed a plan (tests see that the fast path is taken). */
let plansFollowed = 0;
export const followedPlans = () => plansFollowed;

/** The shape with the attribute names (name and path, each with its length) and the values' names and types. */
function planKeyOf(shape: string, data: any): string {
  let key = shape;
  const names = data.ExpressionAttributeNames;
  if (names) for (const k in names) key += `\u0001${k.length}:${k}${names[k].length}:${names[k]}`;
  const vals = data.ExpressionAttributeValues;
  if (vals)
    for (const k in vals) {
      let type = '';
      for (type in vals[k]) break;
      key += `\u0002${k.length}:${k}${type}`;
    }
  return key;
}

/** A canonical integer of at most 15 digits: dynalite's checkNum accepts it and writes it back unchanged. */
const PLAIN_INTEGER = /^(?:0|-?[1-9][0-9]{0,14})$/;
/**
 * Whether dynalite's validateAttributeValue neither refuses nor changes this value (one that
 * typesAsDynaliteWants let through: exactly one type, of the right JavaScript type). Sets,
 * fractions, exponents and long numbers are left to dynalite.
 */
function plainValid(v: any): boolean {
  if (v.S !== undefined || v.BOOL !== undefined) return true;
  if (v.NULL !== undefined) return v.NULL === true;
  if (v.N !== undefined) return PLAIN_INTEGER.test(v.N);
  if (v.M !== undefined) {
    for (const k in v.M) if (!plainValid(v.M[k])) return false;
    return true;
  }
  if (v.L !== undefined) {
    for (const x of v.L) if (!plainValid(x)) return false;
    return true;
  }
  return false;
}

/**
 * Answers the action's check from a plan, or false: the request is to be checked by dynalite.
 * `itemBytes`: a PutItem's item's bytes as the meter counts them (usage.ts itemBytes of the
 * document), where the caller measured them. For the values a plan takes (plainValid: strings,
 * plain integers, booleans, NULL, maps and lists of those) they are never fewer than dynalite's
 * itemSize (UTF-8 bytes where dynalite counts UTF-16 code units; numbers and the rest alike, as
 * test/usage-size.test.ts holds them): an item within the limit by them is within it by
 * dynalite's, and only one over it is measured by dynalite (#19, session 14: the item measured
 * once for the limit and the meter, not twice).
 */
function followPlan(
  plan: Plan | undefined,
  action: Action,
  data: any,
  store: any,
  itemBytes?: number,
  plainValues = false,
): boolean {
  if (plan === undefined) return false;
  // Values this store marshalled itself from plain ones are plainValid already (see wirePlain).
  if (!plainValues)
    for (const m of VALUE_MAPS) {
      const map = data[m];
      if (map) for (const k in map) if (!plainValid(map[k])) return false;
    }
  if (
    action === 'putItem' &&
    (itemBytes === undefined || itemBytes > store.options.maxItemSize) &&
    db.itemSize(data.Item) > store.options.maxItemSize
  )
    return false;
  const vals = data.ExpressionAttributeValues ?? {};
  if (plan.between.length && !betweenPasses(plan.between, vals, db.compare)) return false;
  for (const [field, fill] of plan.derived) data[field] = fill(vals);
  plansFollowed++;
  return true;
}

/** Remembers what dynalite's check derived from a request that passed it, its values as holes. */
function rememberPlan(key: string, data: any): void {
  if (plans.has(key)) return;
  for (const f of EXPRESSION_FIELDS) if (typeof data[f] === 'string' && VALUE_DEPENDENT.test(data[f])) return;
  const vals = data.ExpressionAttributeValues ?? {};
  const byObject = new Map<unknown, string>();
  for (const k of Object.keys(vals)) if (vals[k] && typeof vals[k] === 'object') byObject.set(vals[k], k);
  const derived: [string, Filler][] = [];
  const between: [string | undefined, string | undefined][] = [];
  for (const f of DERIVED_FIELDS) {
    if (data[f] == null) continue;
    const template = withHoles(data[f], byObject);
    // UpdateItem's sections are rewritten in place (applyUpdateExpression): copied whole, every time.
    const readOnly = READ_ONLY_FIELDS.has(f);
    if (readOnly) markHoleFree(template);
    derived.push([f, compileFiller(template, readOnly)]);
    between.push(...betweenBounds(template));
  }
  plans.set(key, { derived, between });
}

/**
 * The project's TransactWriteItems check (patches/dynalite+4.0.0.patch, validations/transactWriteItems.js):
 * each action is checked as the single-item operation it stands for, with these types and checks.
 */
type ActionCheck = { types: Record<string, any>; custom: (d: any, s: unknown) => unknown };
const TRANSACT_ACTIONS = require('dynalite/validations/transactWriteItems.js').ACTIONS as Record<string, ActionCheck>;
/** The single-item action whose plan a transaction's action follows (a Put's item is size-checked as PutItem's). */
const TRANSACT_AS: Record<string, Action> = {
  Put: 'putItem',
  Update: 'updateItem',
  Delete: 'deleteItem',
  ConditionCheck: 'deleteItem',
};

/**
 * A transaction's shape: its own plain fields, how many actions it has, and each action's kind and
 * shape (shapeOf with that action's types), or undefined where any part has none. dynalite's whole
 * check of a TransactWriteItems is its generic check, which reads of each action only what the
 * action's own generic check reads (the same types, nested: a map's members are never checked),
 * then its custom: for each action in order, that it is one kind, has its UpdateExpression or
 * ConditionExpression, and the single-item check of its kind (checkValidations with the kind's
 * types and custom). So a transaction whose shape passed that whole check once passes its generic
 * part again, and each action's own check is answered as a single item's is: by its plan, or by
 * its kind's custom check alone (#19, session 15: a new dossier's transaction, 1 request in 70, was
 * checked whole every time, a fifth of the store's CPU replaying a simulated year's requests).
 */
function transactShapeOf(data: Record<string, unknown>, types: Record<string, any>): string | undefined {
  const { TransactItems: items, ...rest } = data;
  if (!Array.isArray(items)) return undefined;
  const own = shapeOf('transactWriteItems', rest, types);
  if (own === undefined) return undefined;
  let shape = `${own}\u0003${items.length}`;
  for (const item of items as Record<string, any>[]) {
    for (const kind in item) {
      const check = TRANSACT_ACTIONS[kind];
      if (check === undefined || item[kind] == null) return undefined;
      const actionShape = shapeOf(TRANSACT_AS[kind] as Action, item[kind], check.types);
      if (actionShape === undefined) return undefined;
      shape += `\u0003${kind}\u0003${actionShape}`;
    }
    shape += '\u0004';
  }
  return shape;
}

/** A transaction's check, as dynalite's (see transactShapeOf); its actions' plans kept apart from single items'. */
function checkTransactOnce(data: any, store: any, asIs: boolean, plainValues: boolean): void {
  const v = actionValidations.transactWriteItems as {
    types: Record<string, any>;
    custom?: (d: any, s: unknown) => unknown;
  };
  const shape = asIs ? transactShapeOf(data, v.types) : undefined;
  if (shape === undefined || !passedShapes.has(shape)) {
    validations.checkValidations(data, v.types, v.custom, store);
    if (shape === undefined) return;
    passedShapes.set(shape, true);
    for (const item of data.TransactItems as Record<string, any>[])
      for (const kind in item) {
        const action = item[kind];
        const planKey = planKeyOf(
          `tx${kind}\u0000${shapeOf(TRANSACT_AS[kind] as Action, action, (TRANSACT_ACTIONS[kind] as ActionCheck).types)}`,
          action,
        );
        rememberPlan(planKey, action);
      }
    return;
  }
  for (const item of data.TransactItems as Record<string, any>[])
    for (const kind in item) {
      const action = item[kind];
      const check = TRANSACT_ACTIONS[kind] as ActionCheck;
      const as = TRANSACT_AS[kind] as Action;
      const planKey = planKeyOf(`tx${kind}\u0000${shapeOf(as, action, check.types)}`, action);
      if (followPlan(plans.get(planKey), as, action, store, undefined, plainValues)) continue;
      validations.checkValidations(action, NO_GENERIC_CHECKS, check.custom, store);
      rememberPlan(planKey, action);
    }
}

function checkValidationsOnce(
  action: Action,
  data: any,
  store: any,
  asIs: boolean,
  itemBytes?: number,
  plainValues = false,
): void {
  if (action === 'transactWriteItems') {
    checkTransactOnce(data, store, asIs, plainValues);
    return;
  }
  const v = actionValidations[action] as { types: Record<string, any>; custom?: (d: any, s: unknown) => unknown };
  const shape = shapeOf(action, data, v.types);
  // Plans for requests taken as they are (checkTypes converted nothing) of the single-item actions and Query.
  const planKey = shape !== undefined && asIs ? planKeyOf(shape, data) : undefined;
  // A plan is remembered only for a request whose shape passed the whole check (below), so a
  // request of a plan has a shape that passed it: the plan is looked up first, and the shape,
  // a long string hashed anew for every request, only where no plan answers (#19, session 17).
  // A shape the bounded memo forgot meanwhile would pass the generic check again: the same answer.
  if (planKey !== undefined && followPlan(plans.get(planKey), action, data, store, itemBytes, plainValues)) return;
  if (shape !== undefined && passedShapes.has(shape)) {
    // No generic checks, the action's own as dynalite runs it (with the store's parse hook).
    validations.checkValidations(data, NO_GENERIC_CHECKS, v.custom, store);
    if (planKey !== undefined) rememberPlan(planKey, data);
    return;
  }
  validations.checkValidations(data, v.types, v.custom, store);
  if (shape === undefined) return;
  passedShapes.set(shape, true);
  if (planKey !== undefined) rememberPlan(planKey, data);
}

/** The table a CreateTable made, as dynalite keeps it (it reads KeySchema, indexes, attribute types). */
export interface MemoryTableDefinition {
  TableName: string;
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  GlobalSecondaryIndexes?: {
    IndexName: string;
    KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
    Projection: { ProjectionType: 'ALL' | 'KEYS_ONLY' | 'INCLUDE'; NonKeyAttributes?: string[] };
  }[];
}

type RangeOptions = {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  reverse?: boolean;
  limit?: number;
  /** The partition the bounds are in, where the caller knows it (the same string each time: rememberedPartition). */
  partition?: string;
};

/** dynalite's keys are ASCII (hex and separators): JavaScript's order is their byte order, as in LevelDB. */
function lowerBound(keys: string[], key: string, inclusive: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid] as string;
    if (k < key || (!inclusive && k === key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * One of dynalite's key-value stores (the table's items, or one index), in memory: the part of
 * LevelDB dynalite uses (get, put, del, a per-key lock, a value stream over a key range).
 *
 * dynalite's key is `<hash prefix>/<partition key>/<sort key>/...`, and every range a Query reads
 * lies inside one partition (its bounds share the partition's `<hash prefix>/<partition key>/`).
 * So the keys are kept sorted per partition: a write shifts only its own partition's keys, not the
 * whole table's (one sorted array for the table made each write cost more with every item ever
 * written: a year of 10 000 complaints writes about 800 000, #19). A range whose bounds do not
 * share a partition is read over every partition, in key order.
 */
class SortedStore {
  private readonly partitions = new Map<string, string[]>();
  private readonly values = new Map<string, unknown>();
  private readonly locks = new Map<string, (() => void)[]>();

  /** The value of a key, or undefined (the memory store's own synchronous PutItem). */
  peek(key: string): unknown {
    return this.values.get(key);
  }

  /** Whether a request holds this key's lock (dynalite's actions hold it from read to write). */
  isLocked(key: string): boolean {
    // Mostly no key is locked at all (only dynalite's own actions lock): no lookup then.
    return this.locks.size !== 0 && this.locks.has(key);
  }

  get(key: string, cb: (err: Error | null, value?: unknown) => void): void {
    const v = this.values.get(key);
    if (v === undefined) cb(Object.assign(new Error('NotFoundError'), { name: 'NotFoundError' }));
    else cb(null, v);
  }

  put(key: string, value: unknown, cb?: (err: Error | null) => void): void {
    this.putIn(undefined, key, value);
    cb?.(null);
  }

  /**
   * As put, told the key's partition where the caller has it (partitionOf of the key, the same
   * string each time from rememberedPartition, not sliced and hashed again for each new key).
   */
  putIn(partition: string | undefined, key: string, value: unknown, held = this.values.has(key)): void {
    if (!held) {
      const p = partition ?? partitionOf(key);
      let keys = this.partitions.get(p);
      if (!keys) {
        keys = [];
        this.partitions.set(p, keys);
      }
      keys.splice(lowerBound(keys, key, true), 0, key);
    }
    this.values.set(key, value);
  }

  del(key: string, cb?: (err: Error | null) => void): void {
    this.delIn(undefined, key);
    cb?.(null);
  }

  /** As del, told the key's partition where the caller has it (see putIn). */
  delIn(partition: string | undefined, key: string): void {
    if (this.values.delete(key)) {
      const p = partition ?? partitionOf(key);
      const keys = this.partitions.get(p) as string[];
      keys.splice(lowerBound(keys, key, true), 1);
      if (!keys.length) this.partitions.delete(p);
    }
  }

  /** dynalite's per-key lock around read-check-write: the next writer of a key waits for the one before. */
  lock(key: string, fn: (release: (cb: (...a: any[]) => void) => (...a: any[]) => void) => void): void {
    const waiting = this.locks.get(key);
    const run = () =>
      fn((cb) => (...args) => {
        const queue = this.locks.get(key);
        const next = queue?.shift();
        if (next) next();
        else this.locks.delete(key);
        cb(...args);
      });
    if (waiting) waiting.push(run);
    else {
      this.locks.set(key, []);
      run();
    }
  }

  /** The values of a key range, as LevelDB's createValueStream gives them (gt/gte/lt/lte, reverse, limit). */
  createValueStream(opts: RangeOptions) {
    // Read at once, as a LevelDB iterator reads a snapshot: a write meanwhile does not show.
    return Readable.from([...this.range(opts)], { objectMode: true });
  }

  /** The same range, read at once (the memory store's queryTable). */
  *range(opts: RangeOptions): Generator<unknown> {
    yield* this.rangeValues(opts);
  }

  /** The values of the range, in order, read at once (as range gives them, without a generator per Query). */
  rangeValues(opts: RangeOptions): unknown[] {
    const { gt, gte, lt, lte } = opts;
    const first = gt ?? gte ?? lt ?? lte;
    const p =
      first === undefined
        ? ''
        : opts.partition !== undefined && first.startsWith(opts.partition)
          ? opts.partition
          : partitionOf(first);
    const inOne =
      p !== '' &&
      (gt === undefined || gt.startsWith(p)) &&
      (gte === undefined || gte.startsWith(p)) &&
      (lt === undefined || lt.startsWith(p)) &&
      (lte === undefined || lte.startsWith(p));
    const keys = inOne ? (this.partitions.get(p) ?? []) : [...this.partitions.values()].flat().sort(byteOrder);
    const from = gt !== undefined ? lowerBound(keys, gt, false) : gte !== undefined ? lowerBound(keys, gte, true) : 0;
    const to =
      lt !== undefined ? lowerBound(keys, lt, true) : lte !== undefined ? lowerBound(keys, lte, false) : keys.length;
    const end = Math.max(from, to);
    const limit = opts.limit !== undefined && opts.limit >= 0 ? opts.limit : Number.POSITIVE_INFINITY;
    const out: unknown[] = [];
    if (opts.reverse)
      for (let i = end - 1; i >= from && out.length < limit; i--) out.push(this.values.get(keys[i] as string));
    else for (let i = from; i < end && out.length < limit; i++) out.push(this.values.get(keys[i] as string));
    return out;
  }

  get size(): number {
    return this.values.size;
  }

  /** Every value held (tests: test/support/kept-unchanged.ts). */
  heldValues(): IterableIterator<unknown> {
    return this.values.values();
  }
}

/** The partition of a dynalite key: up to and including its second '/' (the whole key if it has fewer). */
function partitionOf(key: string): string {
  const first = key.indexOf('/');
  const second = first < 0 ? -1 : key.indexOf('/', first + 1);
  return second < 0 ? key : key.slice(0, second + 1);
}

const byteOrder = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Whether dynalite's checkTypes would return this request unchanged: every field known to the
 * action and of its declared type (strings, booleans, integers; attribute values with exactly one
 * type among S, N, BOOL, NULL, M, L, SS, NS, nested likewise; names mapped to strings). Anything
 * else (a binary, a list of transaction items, a field of the wrong type, one the action does not
 * know, a null) goes through checkTypes, which converts or refuses it as DynamoDB does.
 */
function typesAsDynaliteWants(wire: Record<string, unknown>, types: any, plainValues = false): boolean {
  for (const k of Object.keys(wire)) {
    const t = types[k];
    const v = wire[k];
    if (t === undefined || v === null || v === undefined) return false;
    switch (typeof t === 'string' ? t : t.type) {
      case 'String':
        if (typeof v !== 'string') return false;
        break;
      case 'Boolean':
        if (typeof v !== 'boolean') return false;
        break;
      case 'Integer':
      case 'Long':
      case 'Short':
        if (!Number.isInteger(v)) return false;
        break;
      case 'Map<AttributeValue>':
        if (!isPlainObject(v)) return false;
        // Made by this store's marshaller from plain values: attribute values by construction (wirePlain).
        if (plainValues && WIRE_FIELDS.has(k)) break;
        for (const x of Object.values(v)) if (!isAttributeValue(x)) return false;
        break;
      case 'Map<java.lang.String>':
        if (!isPlainObject(v)) return false;
        for (const x of Object.values(v)) if (typeof x !== 'string') return false;
        break;
      case 'List':
        // A transaction's actions: each a struct of one or more kinds checkTypes knows, each of its kind's types.
        if (k !== 'TransactItems' || !Array.isArray(v) || Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (const item of v) {
          if (!isPlainObject(item)) return false;
          for (const kind of Object.keys(item)) {
            const check = TRANSACT_ACTIONS[kind];
            const action = item[kind];
            if (
              check === undefined ||
              !isPlainObject(action) ||
              !typesAsDynaliteWants(action, check.types, plainValues)
            )
              return false;
          }
        }
        break;
      default:
        return false;
    }
  }
  return true;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function isAttributeValue(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  const keys = Object.keys(v);
  if (keys.length !== 1) return false;
  const type = keys[0] as string;
  const x = v[type];
  switch (type) {
    case 'S':
    case 'N':
      return typeof x === 'string';
    case 'BOOL':
    case 'NULL':
      return typeof x === 'boolean';
    case 'M':
      if (!isPlainObject(x)) return false;
      for (const y of Object.values(x)) if (!isAttributeValue(y)) return false;
      return true;
    case 'L':
      return Array.isArray(x) && x.every(isAttributeValue);
    case 'SS':
    case 'NS':
      return Array.isArray(x) && x.every((y) => typeof y === 'string');
    default:
      return false;
  }
}

/** What an observer sees of each request: the command's name, its input and its output (as the SDK's middleware would). */
export type MemoryObserver = (
  commandName: string,
  input: any,
  output: any,
  readBytes?: number,
  writeBytes?: number,
) => void;

/**
 * The bytes the usage meter counts for an item read (itemBytes of the document the reader gets),
 * per stored item: a stored item is never changed in place, and every read of it unmarshals to
 * the same document, so its size is the same each time. The meter walked every string of every
 * item read, every time (its item sizes were 7 % of the store's CPU replaying a simulated year's
 * requests, #19 session 11); an item read again is counted from here.
 */
const documentBytes = new WeakMap<object, number>();
function documentBytesOf(stored: object, document: unknown): number {
  let bytes = documentBytes.get(stored);
  if (bytes === undefined) {
    bytes = itemBytes(document);
    documentBytes.set(stored, bytes);
  }
  return bytes;
}

const COMMANDS: [new (input: any) => { input: any }, Action, string][] = [
  [PutCommand, 'putItem', 'PutItemCommand'],
  [GetCommand, 'getItem', 'GetItemCommand'],
  [UpdateCommand, 'updateItem', 'UpdateItemCommand'],
  [DeleteCommand, 'deleteItem', 'DeleteItemCommand'],
  [QueryCommand, 'query', 'QueryCommand'],
  [TransactWriteCommand, 'transactWriteItems', 'TransactWriteItemsCommand'],
];
/** The same by the operation's name, as the dossier store's own commands carry it (`kind`). */
const BY_KIND = new Map(COMMANDS.map((c) => [c[2].replace(/Command$/, ''), c]));

/** The marshalling lib-dynamodb does (DynamoDossierStore's document client: removeUndefinedValues). */
const MARSHALL = { removeUndefinedValues: true } as const;
const toWire = (v: Record<string, unknown> | undefined) => (v === undefined ? undefined : marshalled(v));

/**
 * The SDK's marshall (with removeUndefinedValues) for the values a document request is mostly
 * made of (plain objects, arrays, strings, booleans, null, numbers within the safe integers' range),
 * in one pass without its checks of each value's constructor by name; anything else (a set, a
 * binary, a bigint, a NumberValue, a class instance, an unsafe or special number, an object with a
 * property named constructor) is given to the SDK's own, which answers or refuses it. The SDK's
 * marshalling was 2.3 % of a simulated year (#19, session 10); test/memory-marshall.test.ts holds
 * this to the SDK's marshall with fast-check over arbitrary values.
 */
const SDK_ATTRIBUTE = { removeUndefinedValues: true, convertTopLevelContainer: true } as const;
/**
 * Whether every attribute value marshalled since it was last set true was made here from a plain
 * value (a string, a boolean, null, an integer written with at most 15 digits, lists and maps of
 * those): values dynalite's checkTypes takes as they are (isAttributeValue) and its check neither
 * refuses nor rewrites (plainValid). `send` sets it before a request's values are marshalled and
 * reads it after, so that the request is not walked twice more to find that out (those two walks
 * were about a tenth of the memory store's CPU replaying a simulated year's requests, #19 session 15).
 * Anything the SDK's marshall is given, and any other number, makes it false.
 */
let wirePlain = true;
function attributeOf(v: unknown): unknown {
  switch (typeof v) {
    case 'string':
      return { S: v };
    case 'boolean':
      return { BOOL: v };
    case 'number':
      if (v <= Number.MAX_SAFE_INTEGER && v >= Number.MIN_SAFE_INTEGER) {
        const N = String(v);
        if (!PLAIN_INTEGER.test(N)) wirePlain = false;
        return { N };
      }
      break;
    case 'object':
      if (v === null) return { NULL: true };
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) break;
        const L: unknown[] = [];
        for (const x of v) if (x !== undefined && typeof x !== 'function') L.push(attributeOf(x));
        return { L };
      }
      if (plainMap(v)) return { M: mapOf(v) };
  }
  wirePlain = false;
  return marshall(v as never, SDK_ATTRIBUTE);
}
/** An object the SDK marshals as a map by its enumerable properties, with no property that makes it ask again. */
function plainMap(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Object.hasOwn(v, 'constructor');
}
function mapOf(v: object): Record<string, unknown> {
  const M: Record<string, unknown> = {};
  for (const k in v) {
    const x = (v as Record<string, unknown>)[k];
    if (x !== undefined && typeof x !== 'function') M[k] = attributeOf(x);
  }
  return M;
}
export function marshalled(v: Record<string, unknown>): Record<string, unknown> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && plainMap(v)) return mapOf(v);
  wirePlain = false;
  return marshall(v, MARSHALL);
}
/** A value marshalled as `send` marshals a request's, and whether it came out plain (wirePlain; tests). */
export function marshalledPlain(v: Record<string, unknown>): [Record<string, unknown>, boolean] {
  wirePlain = true;
  const wire = marshalled(v);
  return [wire, wirePlain];
}
const fromWire = (v: Record<string, any> | undefined) => (v === undefined ? undefined : unmarshall(v));

/**
 * A request's document values in DynamoDB's wire shape (the rest of it as it is), without the
 * fields left undefined, as the SDK's JSON leaves them out of what it sends: a field present and
 * undefined (the adapter's `ExclusiveStartKey: start` on a dossier's first page) sent every such
 * request through dynalite's checkTypes and its deep copy (1.2 % of a simulated year, #19
 * session 10), where a request without it is taken as it is.
 */
function toWireAll(x: Record<string, any>, leaveOut?: string): Record<string, unknown> {
  const w: Record<string, unknown> = {};
  for (const k of Object.keys(x)) {
    const v = x[k];
    if (v !== undefined && k !== leaveOut)
      w[k] = WIRE_FIELDS.has(k) ? toWire(v) : CONDITION_FIELDS.has(k) ? conditionsToWire(v) : v;
  }
  return w;
}
/**
 * The older conditions (Query's KeyConditions and QueryFilter), whose AttributeValueList members
 * lib-dynamodb marshals as it does the other values (its QueryCommand's inputKeyNodes): sent as
 * they were, a document's values, they were refused as no attribute values (session 18; the
 * dossier store writes expressions only).
 */
const CONDITION_FIELDS = new Set(['KeyConditions', 'QueryFilter']);
function conditionsToWire(conditions: unknown): unknown {
  if (!isPlainObject(conditions)) return conditions;
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(conditions)) {
    const c = conditions[name];
    out[name] =
      isPlainObject(c) && Array.isArray(c.AttributeValueList)
        ? { ...c, AttributeValueList: c.AttributeValueList.map(attributeOf) }
        : c;
  }
  return out;
}
const WIRE_FIELDS = new Set(['Item', 'Key', 'ExpressionAttributeValues', 'ExclusiveStartKey']);

/**
 * A failed condition as errorFrom makes it from dynalite's answer, its stack not captured: the
 * SDK's exception captured one each time (1.2 % of the store's CPU replaying a year's requests,
 * #19 session 11), of this store's own frames, which tell a caller nothing.
 */
function conditionFailed(): Error {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * dynalite's checkConditional as the SDK raises its answer, or undefined: for a condition
 * expression without dynalite's Error (and stack) made only to be read for its body, since a
 * lease taken or an event appended by another writer is an everyday answer here (about 5 of
 * every 100 PutItems of a simulated year).
 */
function conditionOn(data: any, existingItem: unknown): Error | undefined {
  if (data._condition) {
    if (!db.matchesExprFilter(existingItem ?? {}, data._condition.expression)) return conditionFailed();
    return undefined;
  }
  const failed = db.checkConditional(data, existingItem);
  return failed != null ? errorFrom(failed.body) : undefined;
}

/** An error as the SDK raises it from DynamoDB's answer (`name` is the exception's type). */
function errorFrom(body: {
  __type?: string;
  message?: string;
  Message?: string;
  CancellationReasons?: unknown[];
}): Error {
  const name = String(body.__type ?? 'InternalFailure').replace(/^.*#/, '');
  const message = body.message ?? body.Message ?? name;
  if (name === 'ConditionalCheckFailedException')
    return new ConditionalCheckFailedException({ message, $metadata: {} });
  return Object.assign(new Error(message), {
    name,
    $fault: 'client',
    $metadata: {},
    // A cancelled transaction says which of its actions failed, as the SDK's exception does; the
    // items it hands back are copies, not the items the store holds, which the memos of their index
    // keys, sizes and bytes rest on (a caller may change what it is given; test/support/kept-unchanged.ts).
    ...(body.CancellationReasons ? { CancellationReasons: structuredClone(body.CancellationReasons) } : {}),
  });
}

/** Comparisons dynalite's Query refuses on a key ('not an indexable operation'). */
const NOT_INDEXABLE = new Set(['NULL', 'NOT_NULL', 'NE', 'CONTAINS', 'NOT_CONTAINS', 'IN']);
/**
 * What dynalite's Query works out of the table or index it reads before it looks at the request's
 * values: the index (found by traverseIndexes, the first of the name), whether it is local, and
 * the key names a starting key must have (the table's, then the index's). Per table definition and
 * index name (never changed after CreateTable), so that a Query no longer walks the indexes and
 * builds the names again (session 18).
 */
interface QueryFacts {
  index: any;
  isLocal: boolean;
  startKeyNames: string[];
  hashKey: string;
  rangeKey: string | undefined;
}
const queryFacts = new WeakMap<object, Map<string | undefined, QueryFacts | undefined>>();
function queryFactsOf(table: any, indexName: string | undefined): QueryFacts | undefined {
  let byIndex = queryFacts.get(table);
  if (byIndex === undefined) {
    byIndex = new Map();
    queryFacts.set(table, byIndex);
  }
  if (byIndex.has(indexName)) return byIndex.get(indexName);
  const startKeyNames: string[] = table.KeySchema.map((key: any) => key.AttributeName);
  let facts: QueryFacts = {
    index: undefined,
    isLocal: false,
    startKeyNames,
    hashKey: startKeyNames[0] as string,
    rangeKey: startKeyNames[1],
  };
  if (indexName !== undefined) {
    let isLocal = false;
    const index = db.traverseIndexes(table, (_attr: string, _type: string, index: any, isGlobal: boolean) => {
      if (index.IndexName === indexName) {
        isLocal = !isGlobal;
        return index;
      }
    });
    // An unknown name is not remembered (what a request names is not bounded; the table's indexes are).
    if (index == null) return undefined;
    for (const key of index.KeySchema)
      if (!startKeyNames.includes(key.AttributeName)) startKeyNames.push(key.AttributeName);
    facts = {
      index,
      isLocal,
      startKeyNames,
      hashKey: index.KeySchema[0].AttributeName,
      rangeKey: index.KeySchema[1]?.AttributeName,
    };
  }
  byIndex.set(indexName, facts);
  return facts;
}

/**
 * DynamoDB in memory: tables created from their definition, requests answered by dynalite's
 * validation and actions on SortedStores.
 */
export class MemoryDynamoDb {
  private readonly tables = new Map<string, MemoryTableDefinition & { TableStatus: 'ACTIVE' }>();
  private readonly stores = new Map<string, SortedStore>();
  private readonly observers: MemoryObserver[] = [];
  private readonly refusalObservers: ((commandName: string, input: any, error: Error, writeBytes?: number) => void)[] =
    [];
  /** dynalite's store interface, over this object's maps. */
  private readonly store = {
    // dynalite's queryTable and updateIndexes answered on this store's sorted arrays (the hooks of
    // patches/dynalite+4.0.0.patch; dynalite's server in the same process keeps its own).
    queryTable: (table: any, data: any, opts: any, isLocal: boolean, fetch: boolean, names: string[], cb: any) =>
      memoryQueryTable(this.store, table, data, opts, isLocal, fetch, names, cb),
    updateIndexes: (table: any, existingItem: any, item: any, cb: (err?: any) => void) =>
      memoryUpdateIndexes(this.store, table, existingItem, item, cb),
    // parseExpression: this store's expressions parsed through the memo (rememberedParse).
    options: { maxItemSize: 409_600, parseExpression: rememberedParse },
    getTable: (name: string, checkStatus: unknown, cb?: (err: any, table?: unknown) => void) => {
      const callback = (typeof checkStatus === 'function' ? checkStatus : cb) as (err: any, table?: unknown) => void;
      const table = this.tables.get(name);
      if (table) return callback(null, table);
      callback(
        Object.assign(new Error('NotFoundError'), {
          statusCode: 400,
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
            message: `Requested resource not found${checkStatus ? '' : `: Table: ${name} not found`}`,
          },
        }),
      );
    },
    getItemDb: (name: string) => this.itemDb(name),
    getIndexDb: (type: string, table: string, index: string) => this.indexDb(type, table, index),
  };

  /**
   * The SortedStores by table name, and by table and index name: what `sub` holds under the name
   * dynalite gives each, found without building that name and hashing it again for every request
   * and every index write (about 1 % of a simulated year's CPU, #19 session 17). Emptied with the
   * stores (clear).
   */
  private readonly itemDbs = new Map<string, SortedStore>();
  private readonly localIndexDbs = new Map<string, Map<string, SortedStore>>();
  private readonly globalIndexDbs = new Map<string, Map<string, SortedStore>>();
  private itemDb(table: string): SortedStore {
    let s = this.itemDbs.get(table);
    if (s === undefined) {
      s = this.sub(`item-${table}`);
      this.itemDbs.set(table, s);
    }
    return s;
  }
  private indexDb(type: string, table: string, index: string): SortedStore {
    const byTable =
      type === 'global' || type === 'Global'
        ? this.globalIndexDbs
        : type === 'local' || type === 'Local'
          ? this.localIndexDbs
          : undefined;
    if (byTable === undefined) return this.sub(`index-${type.toLowerCase()}~${table}~${index}`);
    let byIndex = byTable.get(table);
    if (byIndex === undefined) {
      byIndex = new Map();
      byTable.set(table, byIndex);
    }
    let s = byIndex.get(index);
    if (s === undefined) {
      s = this.sub(`index-${type.toLowerCase()}~${table}~${index}`);
      byIndex.set(index, s);
    }
    return s;
  }

  /** Creates a table (as CreateTable does: ACTIVE at once, as the local runtime's dynalite is set up). */
  createTable(definition: MemoryTableDefinition): void {
    if (this.tables.has(definition.TableName)) return;
    const table = { ...structuredClone(definition), TableStatus: 'ACTIVE' as const };
    // Not enumerable: DescribeTable-like copies of the definition do not carry it.
    // dynalite's createKey and getIndexActions with the remembered hashes, for this table (a hook of
    // patches/dynalite+4.0.0.patch).
    Object.defineProperty(table, 'memoryKeys', { value: MEMORY_KEYS(table) });
    this.tables.set(definition.TableName, table);
  }

  /** Sees every request after it was answered (the usage meter: what AWS would bill). */
  observe(observer: MemoryObserver): void {
    this.observers.push(observer);
  }

  /**
   * Sees each request the store refused (a condition that failed, a transaction cancelled, a
   * request not valid): a round trip all the same, and a refused write is billed (usage.ts).
   */
  observeRefusals(observer: (commandName: string, input: any, error: Error, writeBytes?: number) => void): void {
    this.refusalObservers.push(observer);
  }

  /** Forgets every item (the heap probe: what the runtime keeps besides the table's contents). */
  clear(): void {
    this.stores.clear();
    this.itemDbs.clear();
    this.localIndexDbs.clear();
    this.globalIndexDbs.clear();
    // The remembered key prefixes are of this store's items (its tables' keys): forgotten with them,
    // so the heap probe sees what the runtime keeps besides the table (they were ~660 B of the
    // 2 010 B per closed complaint it measured with them kept, bounded by PARTITION_MEMO_SIZE).
    partitionMemo.clear();
    pairMemo.clear();
    rangeMemo.clear();
  }

  /**
   * Every value the store holds: the tables' items and the indexes' entries (tests: the memos of
   * index keys, sizes and bytes rest on none of them being changed in place, and on nothing handed
   * out being one of them; test/support/kept-unchanged.ts holds the store to that).
   */
  *heldValues(): Generator<unknown> {
    for (const s of this.stores.values()) yield* s.heldValues();
  }

  /** How many items the table holds (tests: what stays in memory). */
  itemCount(tableName: string): number {
    return this.stores.get(`item-${tableName}`)?.size ?? 0;
  }

  private sub(name: string): SortedStore {
    let s = this.stores.get(name);
    if (!s) {
      s = new SortedStore();
      this.stores.set(name, s);
    }
    return s;
  }

  /**
   * Answers one request in DynamoDB's wire shape (AttributeValues), as dynalite's server does.
   * `itemBytes`: a PutItem's item's bytes, where the caller measured them on its document (see followPlan).
   */
  request(
    action: Action,
    wire: Record<string, unknown>,
    itemBytes?: number,
    plainValues = false,
    oldOnRefusalAsked?: boolean,
  ): Promise<Record<string, any>> {
    const v = actionValidations[action];
    // Read from the request before dynalite 4's checks, which know no such field and drop it
    // (`oldOnRefusalAsked`: send left it out of the wire already, and says whether it asked).
    const oldOnRefusal = oldOnRefusalAsked ?? wire.ReturnValuesOnConditionCheckFailure === 'ALL_OLD';
    // Left out here as checkTypes leaves it out (its action's types have no such field), so that
    // the request is still taken as it is and checked by its plan: with it, every dossier append
    // (ca3fb83) was copied by checkTypes and checked whole by dynalite (#19, session 15).
    if (
      wire.ReturnValuesOnConditionCheckFailure !== undefined &&
      !(v.types as any).ReturnValuesOnConditionCheckFailure
    ) {
      const { ReturnValuesOnConditionCheckFailure: _dropped, ...rest } = wire;
      wire = rest;
    }
    let data: any;
    try {
      // The SDK's marshalling makes requests whose types dynalite's checkTypes would copy unchanged;
      // those are taken as they are (its deep copy was a tenth of a request's CPU, #19), the rest
      // is checked and converted by checkTypes as before.
      data = typesAsDynaliteWants(wire, v.types, plainValues) ? wire : validations.checkTypes(wire, v.types);
      checkValidationsOnce(action, data, this.store, data === wire, itemBytes, plainValues);
    } catch (e) {
      const err = e as { statusCode?: number; body?: any };
      if (err.statusCode) return Promise.reject(errorFrom(err.body));
      return Promise.reject(e);
    }
    if (action === 'putItem' && !data.ReturnConsumedCapacity) {
      const out = this.putItemNow(data, oldOnRefusal);
      if (out !== LOCKED) return out instanceof Error ? Promise.reject(out) : Promise.resolve(out);
    }
    if (action === 'query' || action === 'updateItem' || action === 'transactWriteItems') {
      const out =
        action === 'query'
          ? this.queryNow(data)
          : action === 'updateItem'
            ? this.updateItemNow(data)
            : this.transactNow(data);
      if (out !== LOCKED) return out instanceof Error ? Promise.reject(out) : Promise.resolve(out);
    }
    return new Promise((resolve, reject) => {
      actions[action](this.store, data, (err, out) => {
        if (err) reject(err.statusCode ? errorFrom(err.body) : err);
        else resolve(out ?? {});
      });
    });
  }

  /**
   * dynalite's PutItem action (actions/putItem.js) in one synchronous pass: the same key, the same
   * condition on the item found, the same index writes (deletes first, then puts, as its
   * updateIndexes) and the same answer, without the callbacks, the lock and async.parallel around
   * them (a third of a PutItem's CPU here, #19). Nothing else runs between the read and the write,
   * so no lock is needed; a key some other request holds locked goes to dynalite's action (LOCKED).
   */
  private putItemNow(data: any, oldOnRefusal = false): Record<string, unknown> | Error | typeof LOCKED {
    const table = this.tables.get(data.TableName);
    if (!table) return LOCKED;
    const invalid = validateItemFast(data.Item, table) as { body: any } | null;
    if (invalid != null) return errorFrom(invalid.body);
    const itemDb = this.itemDb(data.TableName);
    const attrs = keyAttributesOf(table, table.KeySchema);
    const partition = memoryPartitionOf(data.Item, attrs);
    const key = memoryKeyIn(partition, data.Item, attrs);
    if (itemDb.isLocked(key)) return LOCKED;
    const existingItem = itemDb.peek(key);
    const failed = conditionOn(data, existingItem);
    if (failed) {
      // DynamoDB hands the item that failed the condition back with the refusal when asked
      // (PutItem's ReturnValuesOnConditionCheckFailure, as the SDK's exception's `Item`: attribute
      // values); dynalite 4 does not, and its action (the key locked) answers without it.
      if (existingItem && oldOnRefusal) (failed as { Item?: unknown }).Item = structuredClone(existingItem);
      return failed;
    }
    const returnObj: Record<string, unknown> = {};
    if (existingItem && data.ReturnValues === 'ALL_OLD') returnObj.Attributes = existingItem;
    applyIndexWrites(this.store, table, existingItem, data.Item);
    // Whether the key is held is known already (peek): not looked up again.
    itemDb.putIn(partition, key, data.Item, existingItem !== undefined);
    return returnObj;
  }

  /**
   * dynalite's Query action (actions/query.js) in one synchronous pass, as putItemNow is its
   * PutItem: the same checks of the index, the starting key and the key conditions, in the same
   * order and with the same messages, the same key range, then this store's queryTable. Without its
   * callbacks, and with the partition's hash prefix and key strings remembered (dynalite's query
   * hashed the partition key and hex-encoded both key pieces through Buffers for every Query: a
   * third of a Query's CPU, #19 session 11). A query dynalite's own queryTable must answer (consumed
   * capacity, an index read back from the table) and one on an unknown table go to dynalite's
   * action (LOCKED).
   */
  private queryNow(data: any): Record<string, unknown> | Error | typeof LOCKED {
    const table: any = this.tables.get(data.TableName);
    if (!table || data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES') return LOCKED;
    let keySchema = table.KeySchema;
    let facts = queryFactsOf(table, undefined) as QueryFacts;
    let fetchFromItemDb = false;
    if (data.IndexName) {
      const found = queryFactsOf(table, data.IndexName);
      if (found === undefined)
        return validationRefusal(`The table does not have the specified index: ${data.IndexName}`);
      facts = found;
      const index = facts.index;
      if (!facts.isLocal && data.ConsistentRead)
        return validationRefusal('Consistent reads are not supported on global secondary indexes');
      keySchema = index.KeySchema;
      fetchFromItemDb = data.Select === 'ALL_ATTRIBUTES' && index.Projection.ProjectionType !== 'ALL';
      // dynalite's own queryTable reads such an index's items back from the table.
      if (fetchFromItemDb && facts.isLocal) return LOCKED;
    }
    const { startKeyNames, hashKey, rangeKey, isLocal } = facts;
    const start = data.ExclusiveStartKey;
    if (start && Object.keys(start).length !== startKeyNames.length)
      return validationRefusal('The provided starting key is invalid');
    const conditions = data.KeyConditions;
    // dynalite's checks of the key conditions (its query action's traverseKey), in its order and
    // with its messages, as a loop over the schema's key attributes (no closure per Query).
    let err: any;
    let conditionCount = -1;
    const keyAttrs = keyAttributesOf(table, keySchema);
    for (let i = 0; i < keyAttrs.length && !err; i++) {
      const [attr, type] = keyAttrs[i] as [string, string];
      const isHash = i === 0;
      if (start) {
        if (!start[attr]) {
          err = db.validationError('The provided starting key is invalid');
          break;
        }
        err = db.validateKeyPiece(start, attr, type, isHash);
        if (err) break;
      }
      if (conditionCount < 0) conditionCount = Object.keys(conditions).length;
      if (isHash && keySchema.length === 1 && conditionCount > 1) {
        err = db.validationError('Query key condition not supported');
        break;
      }
      const condition = conditions[attr];
      if (!condition) {
        if (isHash || conditionCount > 1)
          err = db.validationError(`Query condition missed key schema element: ${attr}`);
        continue;
      }
      const comparisonOperator = condition.ComparisonOperator;
      if (NOT_INDEXABLE.has(comparisonOperator)) {
        err = db.validationError('Attempted conditional constraint is not an indexable operation');
        break;
      }
      for (const attrVal of condition.AttributeValueList)
        if (attrVal[type] == null) {
          err = db.validationError(
            'One or more parameter values were invalid: Condition parameter type does not match schema type',
          );
          break;
        }
      if (err) break;
      if (isHash && comparisonOperator !== 'EQ') err = db.validationError('Query key condition not supported');
    }
    if (err) return errorFrom(err.body);
    const hashValue = conditions[hashKey].AttributeValueList[0];
    const hashType = Object.keys(hashValue)[0] as string;
    const hashVal = hashValue[hashType];
    if (start) {
      const tableStartKey: Record<string, unknown> = {};
      for (const attr of table.KeySchema) tableStartKey[attr.AttributeName] = start[attr.AttributeName];
      const invalid = db.validateKey(tableStartKey, table);
      if (invalid != null) return validationRefusal(`The provided starting key is invalid: ${invalid.message}`);
      if (!rangeKey || !conditions[rangeKey]) {
        if (start[hashKey][hashType] !== hashVal)
          return validationRefusal(
            'The provided starting key is outside query boundaries based on provided conditions',
          );
      } else {
        const matchesRange = db.compare(
          conditions[rangeKey].ComparisonOperator,
          start[rangeKey],
          conditions[rangeKey].AttributeValueList,
        );
        if (!matchesRange) return validationRefusal('The provided starting key does not match the range key predicate');
        if (start[hashKey][hashType] !== hashVal)
          return validationRefusal('The query can return at most one row and cannot be restarted');
      }
    }
    let invalid = db.validateKeyPaths(data._projection?.nestedPaths, table);
    if (invalid != null) return errorFrom(invalid.body);
    if (data.QueryFilter || data._filter) {
      const pathHeads = data.QueryFilter ? data.QueryFilter : data._filter.pathHeads;
      const propertyName = data.QueryFilter ? 'QueryFilter' : 'Filter Expression';
      const headErr = db.traverseKey(table, keySchema, (attr: string) => {
        if (pathHeads[attr])
          return db.validationError(
            `${propertyName} can only contain non-primary key attributes: Primary key attribute: ${attr}`,
          );
      });
      if (headErr) return errorFrom(headErr.body);
    }
    if (fetchFromItemDb && !isLocal)
      return validationRefusal(
        'One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global ' +
          `secondary index ${data.IndexName} because its projection type is not ALL`,
      );
    invalid = db.validateKeyPaths(data._filter?.nestedPaths, table);
    if (invalid != null) return errorFrom(invalid.body);

    const opts: RangeOptions & { limit: number } = {
      reverse: data.ScanIndexForward === false,
      limit: data.Limit ? data.Limit + 1 : -1,
    };
    opts.gte = rememberedPartition(hashVal, hashType);
    opts.partition = opts.gte;
    opts.lt = `${opts.gte}~`;
    const range = conditions[rangeKey as string];
    if (range) {
      const rangeStrPrefix = rangeStrOf(range.AttributeValueList[0]);
      const rangeStr = `${rangeStrPrefix}/`;
      const comp = range.ComparisonOperator;
      if (comp === 'EQ') {
        opts.gte += rangeStr;
        opts.lte = `${opts.gte}~`;
        delete opts.lt;
      } else if (comp === 'LT') opts.lt = opts.gte + rangeStr;
      else if (comp === 'LE') {
        opts.lte = `${opts.gte + rangeStr}~`;
        delete opts.lt;
      } else if (comp === 'GT') {
        opts.gt = `${opts.gte + rangeStr}~`;
        delete opts.gte;
      } else if (comp === 'GE') opts.gte += rangeStr;
      else if (comp === 'BEGINS_WITH') {
        opts.lt = `${opts.gte + rangeStrPrefix}~`;
        opts.gte += rangeStr;
      } else if (comp === 'BETWEEN') {
        opts.lte = `${opts.gte + rangeStrOf(range.AttributeValueList[1])}/~`;
        opts.gte += rangeStr;
        delete opts.lt;
      }
    }
    if (start) {
      const startKey = data.IndexName
        ? db.createIndexKey(start, table, keySchema)
        : db.createKey(start, table, keySchema);
      if (data.ScanIndexForward === false) {
        opts.lt = startKey;
        delete opts.lte;
      } else {
        opts.gt = startKey;
        delete opts.gte;
      }
    }
    let answer: Record<string, unknown> | Error = {};
    const answered = memoryQueryTable(
      this.store,
      table,
      data,
      opts,
      isLocal,
      fetchFromItemDb,
      startKeyNames,
      (e: any, out: any) => {
        answer = e ? (e.statusCode ? errorFrom(e.body) : e) : (out ?? {});
      },
    );
    return answered ? answer : LOCKED;
  }

  /**
   * dynalite's UpdateItem action (actions/updateItem.js) in one synchronous pass, as putItemNow:
   * the same key and update checks, the condition on the item found, the item updated on a copy
   * (its applyUpdate), the size check, the same answer and index writes. A request asking for
   * consumed capacity, on an unknown table or on a key another request holds goes to dynalite's
   * action (LOCKED).
   */
  private updateItemNow(data: any): Record<string, unknown> | Error | typeof LOCKED {
    const table: any = this.tables.get(data.TableName);
    if (!table || data.ReturnConsumedCapacity) return LOCKED;
    let invalid = db.validateKey(data.Key, table);
    if (invalid != null) return errorFrom(invalid.body);
    invalid = db.validateUpdates(data.AttributeUpdates, data._updates, table);
    if (invalid != null) return errorFrom(invalid.body);
    const itemDb = this.itemDb(data.TableName);
    const key = db.createKey(data.Key, table);
    if (itemDb.isLocked(key)) return LOCKED;
    const oldItem = itemDb.peek(key) as Record<string, unknown> | undefined;
    const failed = conditionOn(data, oldItem);
    if (failed) return failed;
    const returnObj: Record<string, unknown> = {};
    const paths = data._updates ? data._updates.paths : Object.keys(data.AttributeUpdates || {});
    if (oldItem) {
      if (data.ReturnValues === 'ALL_OLD') returnObj.Attributes = oldItem;
      else if (data.ReturnValues === 'UPDATED_OLD') returnObj.Attributes = db.mapPaths(paths, oldItem);
    }
    const item = updateItemAction.applyUpdate(data, table, oldItem);
    if (item instanceof Error) return (item as any).statusCode ? errorFrom((item as any).body) : item;
    if (db.itemSize(item) > this.store.options.maxItemSize)
      return validationRefusal('Item size to update has exceeded the maximum allowed size');
    if (data.ReturnValues === 'ALL_NEW') returnObj.Attributes = item;
    else if (data.ReturnValues === 'UPDATED_NEW') returnObj.Attributes = db.mapPaths(paths, item);
    memoryUpdateIndexes(this.store, table, oldItem, item, () => undefined);
    itemDb.put(key, item);
    return returnObj;
  }

  /**
   * dynalite's TransactWriteItems (the project's patch, actions/transactWriteItems.js) in one
   * synchronous pass: the same checks of each action's item or key and updates, in the same
   * order, no two actions on one item, every condition checked on the items as found and, if any
   * fails, nothing written and the same cancellation; otherwise each action's item and index
   * writes in the same order. Nothing else runs meanwhile, so the locks it takes one by one are
   * not needed; a key another request holds, an unknown table or consumed capacity go to
   * dynalite's action (LOCKED). Its callbacks and locks were a tenth of the store's CPU replaying
   * a year's requests for 2 % of them (#19 session 11).
   */
  private transactNow(data: any): Record<string, unknown> | Error | typeof LOCKED {
    if (data.ReturnConsumedCapacity === 'TOTAL' || data.ReturnConsumedCapacity === 'INDEXES') return LOCKED;
    const actions = (data.TransactItems as Record<string, any>[]).map((item) => {
      const kind = (['Put', 'Update', 'Delete', 'ConditionCheck'] as const).filter((k) => item[k] != null)[0] as string;
      return { kind, data: item[kind], table: undefined as any, key: '' };
    });
    for (const a of actions) if (!this.tables.has(a.data.TableName)) return LOCKED;
    const seen = new Set<string>();
    for (const a of actions) {
      const table: any = this.tables.get(a.data.TableName);
      let invalid = a.kind === 'Put' ? validateItemFast(a.data.Item, table) : db.validateKey(a.data.Key, table);
      if (invalid == null && a.kind === 'Update')
        invalid = db.validateUpdates(a.data.AttributeUpdates, a.data._updates, table);
      if (invalid != null) return errorFrom(invalid.body);
      a.table = table;
      a.key = db.createKey(a.kind === 'Put' ? a.data.Item : a.data.Key, table);
      const id = `${a.data.TableName}\u0000${a.key}`;
      if (seen.has(id)) return validationRefusal('Transaction request cannot include multiple operations on one item');
      seen.add(id);
    }
    for (const a of actions) if (this.itemDb(a.data.TableName).isLocked(a.key)) return LOCKED;
    const existing = actions.map((a) => this.itemDb(a.data.TableName).peek(a.key) as any);
    const reasons = actions.map((a, i) => {
      const invalid = db.checkConditional(a.data, existing[i]);
      if (invalid == null) return { Code: 'None' } as Record<string, unknown>;
      const reason: Record<string, unknown> = {
        Code: 'ConditionalCheckFailed',
        Message: 'The conditional request failed',
      };
      if (a.data.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' && existing[i]) reason.Item = existing[i];
      return reason;
    });
    if (reasons.some((r) => r.Code !== 'None'))
      return errorFrom({
        __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
        message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
        CancellationReasons: reasons,
      });
    const ops: { db: SortedStore; key: string; value: unknown; partition?: string }[] = [];
    for (let i = 0; i < actions.length; i++) {
      const a = actions[i] as (typeof actions)[number];
      const before = existing[i];
      let after: any;
      if (a.kind === 'ConditionCheck') continue;
      if (a.kind === 'Put') after = a.data.Item;
      else if (a.kind === 'Delete') after = null;
      else {
        after = updateItemAction.applyUpdate(a.data, a.table, before);
        if (after instanceof Error) return (after as any).statusCode ? errorFrom((after as any).body) : after;
        if (db.itemSize(after) > this.store.options.maxItemSize)
          return validationRefusal('Item size to update has exceeded the maximum allowed size');
      }
      ops.push({ db: this.itemDb(a.data.TableName), key: a.key, value: after });
      for (const [indexType, indexes] of [
        ['local', a.table.LocalSecondaryIndexes],
        ['global', a.table.GlobalSecondaryIndexes],
      ] as const) {
        if (!indexes?.length) continue;
        const found = memoryGetIndexActions(indexes, before, after, a.table);
        for (const d of found.deletes)
          ops.push({
            db: this.indexDb(indexType, a.data.TableName, d.index),
            key: d.key,
            value: null,
            partition: d.partition,
          });
        for (const p of found.puts)
          ops.push({
            db: this.indexDb(indexType, a.data.TableName, p.index),
            key: p.key,
            value: p.item,
            partition: p.partition,
          });
      }
    }
    for (const o of ops) {
      if (o.value) o.db.putIn(o.partition, o.key, o.value);
      else o.db.delIn(o.partition, o.key);
    }
    return {};
  }

  /**
   * A document client's command (what DynamoDBDocumentClient.send takes, or the dossier store's
   * own command of lambdas/adapters/document-commands.ts, by its `kind`), answered in memory.
   */
  async send(command: { input: any; kind?: string }): Promise<any> {
    const known =
      (command.kind !== undefined ? BY_KIND.get(command.kind) : undefined) ??
      COMMANDS.find(([cls]) => command instanceof cls);
    if (!known) throw new Error(`The memory store does not answer ${command.constructor.name}`);
    const [, action, commandName] = known;
    const input = command.input;
    wirePlain = true;
    // A field the action's check does not know (ReturnValuesOnConditionCheckFailure on a Query or
    // GetItem: PutItem's is known, ON_CONDITION_CHECK_FAILURE) left out as the wire is made, not
    // copied out of it again by request (#19, session 17); whether it asked for the item is told to request.
    const unknownField =
      input.ReturnValuesOnConditionCheckFailure !== undefined &&
      !(actionValidations[action].types as any).ReturnValuesOnConditionCheckFailure
        ? 'ReturnValuesOnConditionCheckFailure'
        : undefined;
    const wire: Record<string, unknown> = toWireAll(input, unknownField);
    if (Array.isArray(input.TransactItems))
      wire.TransactItems = input.TransactItems.map((t: Record<string, any>) =>
        Object.fromEntries(Object.entries(t).map(([kind, a]) => [kind, toWireAll(a)])),
      );
    const plainValues = wirePlain;
    // A PutItem's item measured once, for the size limit and the meter (followPlan).
    const itemBytesOf = action === 'putItem' && input.Item ? itemBytes(input.Item) : undefined;
    let out: Record<string, any>;
    try {
      out = await this.request(
        action,
        wire,
        itemBytesOf,
        plainValues,
        unknownField !== undefined ? input.ReturnValuesOnConditionCheckFailure === 'ALL_OLD' : undefined,
      );
    } catch (e) {
      for (const o of this.refusalObservers) o(commandName, input, e as Error, itemBytesOf);
      throw e;
    }
    const output: Record<string, unknown> = { $metadata: {} };
    if (out.Item) output.Item = fromWire(out.Item);
    if (out.Attributes) output.Attributes = fromWire(out.Attributes);
    if (out.Items) output.Items = out.Items.map((i: Record<string, any>) => fromWire(i));
    if (out.LastEvaluatedKey) output.LastEvaluatedKey = fromWire(out.LastEvaluatedKey);
    if (out.Count !== undefined) output.Count = out.Count;
    if (out.ScannedCount !== undefined) output.ScannedCount = out.ScannedCount;
    // As the usage meter's middleware on the SDK client sees them: the document client's values.
    if (this.observers.length === 0) return output;
    // What was read, in the meter's bytes (per stored item, see documentBytes).
    let readBytes: number | undefined;
    if (action === 'getItem') readBytes = out.Item ? documentBytesOf(out.Item, output.Item) : 0;
    else if (action === 'query') {
      readBytes = 0;
      const items = (output.Items ?? []) as unknown[];
      if (out.Items) for (let i = 0; i < out.Items.length; i++) readBytes += documentBytesOf(out.Items[i], items[i]);
    }
    for (const o of this.observers) o(commandName, input, output, readBytes, itemBytesOf);
    return output;
  }
}
