/**
 * Loads a regulation: a preset by its id, or a file an organisation wrote (YAML or JSON).
 * A file with an error gives every problem with its field path, never a stack trace.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DomainError } from '../lambdas/domain/errors.js';
import { type Regulation, RegulationSchema } from './model.js';

/**
 * The YAML parser, loaded when a YAML file is read (yaml is CommonJS: required in place, so
 * loadRegulation stays synchronous). Everything that imports this module for its ids or its
 * errors (the runtime, the simulation's workers, which are given the regulation already parsed)
 * would otherwise compile its 72 files at start (#19).
 */
const yaml = () => createRequire(import.meta.url)('yaml') as typeof import('yaml');

export const PRESETS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'presets');

/** The five presets, one per seed regulation, in the order of the seeds' index. */
export const PRESET_IDS = [
  'ondersteuningsteam',
  'ons-welzijn',
  'swt-dordrecht',
  'oco-almere',
  'so-trainingsbureau',
] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface RegulationIssue {
  path: string;
  message: string;
}

export class RegulationError extends DomainError {
  constructor(
    message: string,
    readonly issues: RegulationIssue[] = [],
  ) {
    super(message);
    this.name = 'RegulationError';
  }

  /** The message with one line per issue, for a terminal. */
  describe(): string {
    return [this.message, ...this.issues.map((i) => `  - ${i.path || '(hele regeling)'}: ${i.message}`)].join('\n');
  }
}

/** `ladder.rungs[0].steps[2].deadline`: a field path people and editors can follow. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    return acc ? `${acc}.${String(key)}` : String(key);
  }, '');
}

/** Validates a parsed regulation object. */
export function parseRegulation(data: unknown, origin = 'de regeling'): Regulation {
  const result = RegulationSchema.safeParse(data);
  if (result.success) return result.data;
  throw new RegulationError(
    `${origin} is niet geldig (${result.error.issues.length} ${result.error.issues.length === 1 ? 'fout' : 'fouten'}):`,
    result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
  );
}

/** Where a preset id or a file reference points. */
export function resolveRegulationFile(ref: string): string {
  if ((PRESET_IDS as readonly string[]).includes(ref)) return join(PRESETS_DIR, `${ref}.yaml`);
  const file = resolve(ref);
  if (!existsSync(file)) {
    throw new RegulationError(
      `Regeling "${ref}" niet gevonden: geen preset (${PRESET_IDS.join(', ')}) en geen bestand op ${file}.`,
    );
  }
  return file;
}

/** Loads a preset by id, or a regulation file (.yaml, .yml or .json). */
export function loadRegulation(ref: string): Regulation {
  const file = resolveRegulationFile(ref);
  const text = readFileSync(file, 'utf8');
  let data: unknown;
  const parser = extname(file) === '.json' ? undefined : yaml();
  try {
    data = parser ? parser.parse(text, { prettyErrors: true }) : JSON.parse(text);
  } catch (e) {
    const where =
      parser && e instanceof parser.YAMLParseError && e.linePos
        ? ` (regel ${e.linePos[0].line}, kolom ${e.linePos[0].col})`
        : '';
    throw new RegulationError(
      `${file} is geen geldige ${extname(file) === '.json' ? 'JSON' : 'YAML'}${where}: ${(e as Error).message.split('\n')[0]}`,
    );
  }
  const reg = parseRegulation(data, file);
  SOURCES.set(reg, file);
  // The document the quotes are checked against: next to the regulation file (or absolute). A
  // named document that is not there is an error; skipping every quote check silently is not.
  const doc = documentPath(reg);
  if (doc && !existsSync(doc)) {
    throw new RegulationError(`${file} is niet geldig (1 fout):`, [
      {
        path: 'document.file',
        message: `Het document "${reg.document?.file}" bestaat niet (gezocht op ${doc}). Zet het naast de regeling, geef een volledig pad, of laat document.file weg.`,
      },
    ]);
  }
  return reg;
}

/** The file each loaded regulation came from: its document is found next to it. */
const SOURCES = new WeakMap<Regulation, string>();

/**
 * A regulation loadRegulation(ref) gave in another thread, copied over (the simulation's main
 * thread hands it to its workers, #19): taken as loaded from that file, its document found beside
 * it as above, without reading, parsing and validating it again in every thread.
 */
export function loadedRegulation(reg: Regulation, ref: string): Regulation {
  SOURCES.set(reg, resolveRegulationFile(ref));
  return reg;
}

/**
 * Where the regulation's document is: an absolute `document.file` as it is, a relative one next to
 * the regulation file it was loaded from (the presets' documents are in `presets/sources/`); for a
 * regulation not loaded from a file, relative to `baseDir` (the presets folder).
 */
export function documentPath(reg: Regulation, baseDir = PRESETS_DIR): string | undefined {
  const file = reg.document?.file;
  if (!file) return undefined;
  if (isAbsolute(file)) return file;
  const source = SOURCES.get(reg);
  return join(source ? dirname(source) : baseDir, file);
}

/** Loads all five presets. */
export function loadPresets(): Regulation[] {
  return PRESET_IDS.map((id) => loadRegulation(id));
}
