/**
 * The usage meter's item size (runtime/usage.ts, itemBytes): what DynamoDB bills a read or a write
 * by. Held to dynalite's own itemSize on the marshalled item (the rule of DynamoDB's "Item sizes
 * and formats"), for generated documents of every shape the document client writes; and for text
 * that is not ASCII, to DynamoDB's UTF-8 bytes (dynalite counts UTF-16 code units there).
 */
import { createRequire } from 'node:module';
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemBytes } from '../runtime/usage.js';

const require = createRequire(import.meta.url);
const db = require('dynalite/db/index.js') as { itemSize: (item: unknown) => number };

describe('usage: item sizes as DynamoDB counts them', () => {
  it('equals dynalite’s itemSize for generated items (ASCII text, numbers, lists, maps, booleans, null)', () => {
    const ascii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) });
    const name = fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcdefgxyz_#0123456789') });
    const number = fc.oneof(
      fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      fc.constantFrom(0, 1, -1, 10, 100, 1200, 0.5, 0.05, -0.0012, 12.5, 1e-7, 1.5e-9, 123456789012345, 2 ** 53 - 1),
      fc.double({ min: -1e15, max: 1e15, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
    );
    const { value } = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        ascii,
        number,
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(name, tie('value'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(name, value, { minKeys: 1, maxKeys: 6 }), (item) => {
        const wire = marshall(item, { removeUndefinedValues: true });
        expect(itemBytes(item)).toBe(db.itemSize(wire));
      }),
      { numRuns: 500, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });

  it('counts text in UTF-8 bytes, names and values alike', () => {
    // 'é' 2 bytes, '€' 3, '😀' 4: DynamoDB bills UTF-8.
    expect(itemBytes({ a: 'é€😀' })).toBe(1 + 2 + 3 + 4);
    expect(itemBytes({ é: 'x' })).toBe(2 + 1);
    expect(itemBytes({ m: { ü: ['é'] } })).toBe(1 + 3 + 1 + 2 + 3 + 1 + 2);
  });

  it('counts long text in UTF-8 bytes too: a commit’s events are one JSON string of kilobytes (#19, session 14)', () => {
    const utf8 = (s: string) => new TextEncoder().encode(s).length;
    const unit = fc.oneof(
      fc.constantFrom('a', 'Z', ' ', '"', 'é', '€', '😀', '\u007f', '\u0080', '\u07ff', '\u0800', '\uffff'),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { minLength: 0, maxLength: 400 }), (parts) => {
        const text = parts.join('');
        expect(itemBytes({ t: text })).toBe(1 + utf8(text));
        expect(itemBytes({ [text || 'k']: 1 })).toBe(utf8(text || 'k') + 2);
      }),
      { numRuns: 300, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
    expect(itemBytes({ t: 'é'.repeat(64) })).toBe(1 + 128);
    expect(itemBytes({ t: `${'x'.repeat(100)}😀` })).toBe(1 + 104);
  });

  it('leaves out what the document client leaves out (undefined)', () => {
    expect(itemBytes({ a: 'x', b: undefined, m: { c: undefined, d: 1 } })).toBe(
      db.itemSize(marshall({ a: 'x', m: { d: 1 } })),
    );
  });
});

describe('usage: what the memory store reports as read', () => {
  it('is the meter’s own size of the items the reader got, also for items read again, replaced, projected or gone (#19, session 11)', async () => {
    // The memory store hands the meter the bytes of what a GetItem or Query read, remembered per
    // stored item (runtime/memory-dynamodb.ts, documentBytes). The judge: itemBytes of the very
    // documents the reader got, computed afresh for every answer.
    const { MemoryDynamoDb } = await import('../runtime/memory-dynamodb.js');
    const { tableDefinition } = await import('../lambdas/adapters/dynamodb-store.js');
    const { GetCommand, PutCommand, QueryCommand, UpdateCommand, DeleteCommand } = await import(
      '@aws-sdk/lib-dynamodb'
    );
    const text = fc.string({ unit: 'binary', maxLength: 20 });
    const value = fc.oneof(
      text,
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }),
      fc.boolean(),
      fc.constant(null),
      fc.array(text, { maxLength: 3 }),
      fc.dictionary(fc.constantFrom('a', 'b', 'é'), text, { maxKeys: 2 }),
    );
    const sk = fc.constantFrom('E1', 'E2', 'E3');
    const step = fc.oneof(
      fc.record({ kind: fc.constant('put' as const), sk, body: value, extra: fc.option(value, { nil: undefined }) }),
      fc.record({ kind: fc.constant('update' as const), sk, body: value }),
      fc.record({ kind: fc.constant('delete' as const), sk }),
      fc.record({ kind: fc.constant('get' as const), sk, projected: fc.boolean() }),
      fc.record({
        kind: fc.constant('query' as const),
        projected: fc.boolean(),
        limit: fc.constantFrom(undefined, 1, 2),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const memory = new MemoryDynamoDb();
        memory.createTable(tableDefinition('t-usage'));
        const seen: [number | undefined, number][] = [];
        memory.observe((name, _input, output, readBytes) => {
          if (name === 'GetItemCommand') seen.push([readBytes, output.Item ? itemBytes(output.Item) : 0]);
          if (name === 'QueryCommand')
            seen.push([readBytes, (output.Items ?? []).reduce((n: number, i: unknown) => n + itemBytes(i), 0)]);
        });
        for (const s of steps) {
          const Key = { pk: 'P', sk: 'sk' in s ? s.sk : 'E1' };
          try {
            if (s.kind === 'put')
              await memory.send(
                new PutCommand({ TableName: 't-usage', Item: { ...Key, body: s.body, extra: s.extra } }),
              );
            else if (s.kind === 'update')
              await memory.send(
                new UpdateCommand({
                  TableName: 't-usage',
                  Key,
                  UpdateExpression: 'SET body = :b',
                  ExpressionAttributeValues: { ':b': s.body },
                }),
              );
            else if (s.kind === 'delete') await memory.send(new DeleteCommand({ TableName: 't-usage', Key }));
            else if (s.kind === 'get')
              await memory.send(
                new GetCommand({
                  TableName: 't-usage',
                  Key,
                  ...(s.projected ? { ProjectionExpression: 'sk, body' } : {}),
                }),
              );
            else
              await memory.send(
                new QueryCommand({
                  TableName: 't-usage',
                  KeyConditionExpression: 'pk = :p',
                  ExpressionAttributeValues: { ':p': 'P' },
                  Limit: s.limit,
                  ...(s.projected ? { ProjectionExpression: 'pk, extra' } : {}),
                }),
              );
          } catch {
            // A refused request reads nothing; the meter's count of it is another test's.
          }
        }
        for (const [reported, judged] of seen) expect(reported).toBe(judged);
      }),
      { numRuns: 200, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
