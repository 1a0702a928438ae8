/**
 * The `klachtflow` command line. Exit codes: 0 done, 1 the thing checked is wrong (lint errors,
 * an invalid regulation), 2 the command itself was wrong (unknown option, unreadable term).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Command, CommanderError, Help, Option } from 'commander';
import { computeDeadline, DeadlineError, formatDutchDate } from '../lambdas/domain/calendar/deadline.js';
import { describeTerm, parseTerm, TermParseError } from '../lambdas/domain/calendar/term.js';
import { COMPLAINANT_ROLE_NL } from '../lambdas/domain/letters.js';
import { aslFile, ladderSvgFile } from '../statemachines/asl.js';
import { compileRegulation, renderAsl } from '../statemachines/compile.js';
import { findStep } from '../statemachines/ladder.js';
import { LintRefusedError, lintPasses, lintRegulation, refuseLintErrors } from '../statemachines/lint.js';
import { loadRegulation, PRESET_IDS, RegulationError } from '../statemachines/load.js';
import { ANCHOR_LABELS, type Regulation, stepsInSpan } from '../statemachines/model.js';

/** A failure the user caused; printed without a stack trace. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

function load(ref: string): Regulation {
  try {
    return loadRegulation(ref);
  } catch (e) {
    if (e instanceof RegulationError) throw new UsageError(e.describe(), 1);
    throw e;
  }
}

function print(json: boolean, value: unknown, text: () => string) {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
}

/** The ladder in words, for people reading the regulation on a terminal. */
export function describeRegulation(reg: Regulation): string {
  const lines = [
    `${reg.title} (${reg.id})`,
    `Organisatie: ${reg.organisation.name}`,
    `Wettelijk kader: ${reg.organisation.legalFramework.join(', ')}; Algemene termijnenwet op eigen termijnen: ${reg.organisation.atwForOwnTerms ? 'ja' : 'nee'}`,
    `Wie mag klagen: ${reg.eligibility.roles.map((r) => COMPLAINANT_ROLE_NL[r.role] ?? r.role).join(', ')}${reg.eligibility.minimumAgeAlone ? ` (zelfstandig vanaf ${reg.eligibility.minimumAgeAlone.age} jaar)` : ''}`,
    ...reg.eligibility.window.map(
      (w) =>
        `Klachttermijn: ${describeTerm(parseTerm(w.term))} na ${w.anchor === 'last-contact' ? 'het laatste contact' : 'de gebeurtenis'}${w.roles.length ? ` (${w.roles.map((r) => COMPLAINANT_ROLE_NL[r] ?? r).join(', ')})` : ''}`,
    ),
    `Intrekken: ${reg.withdrawal.anyTime ? 'op ieder moment' : 'beperkt'}`,
    '',
    'Ingangen:',
    ...reg.intake.variants.map(
      (v) =>
        `  - ${v.title} [${v.channels.map((c) => CHANNEL_NL[c] ?? c).join(', ')}] → ${reg.ladder.rungs.find((r) => r.id === v.startsAt)?.title ?? v.startsAt}`,
    ),
    '',
    'Ladder:',
  ];
  reg.ladder.rungs.forEach((rung, i) => {
    const handler = rung.handlerRole
      ? (reg.roles.find((r) => r.id === rung.handlerRole)?.title ?? rung.handlerRole)
      : '';
    lines.push(`  ${i + 1}. ${rung.title} (${RUNG_NL[rung.kind] ?? rung.kind}${handler ? `, ${handler}` : ''})`);
    for (const step of rung.steps) {
      const d = step.deadline;
      const term = d
        ? ` — ${describeTerm(parseTerm(d.term))} na ${ANCHOR_LABELS[d.from]}${d.step ? ` "${d.step}"` : ''} (${KIND_NL[d.kind] ?? d.kind}${d.statute ? `, ${d.statute}` : ''})`
        : '';
      const actor = ACTOR_NL[step.actor] ?? reg.roles.find((r) => r.id === step.actor)?.title ?? step.actor;
      lines.push(`     • ${step.title} [${actor}]${term}`);
      for (const o of step.outcomes)
        lines.push(
          `         ${o.title} → ${nextInWords(reg, o.next)}${o.letter ? ` (brief: ${LETTER_NL[o.letter.kind] ?? o.letter.kind})` : ''}`,
        );
    }
    for (const e of rung.escalation)
      lines.push(
        `     ↑ klager kan vragen om: ${reg.ladder.rungs.find((r) => r.id === e.to)?.title ?? e.to} (${WHEN_NL[e.when] ?? e.when})`,
      );
  });
  if (reg.ladder.terms.length) {
    lines.push('', 'Termijnen voor de hele behandeling:');
    for (const t of reg.ladder.terms) {
      const x = t.extension;
      lines.push(
        `  - ${t.title}: ${describeTerm(parseTerm(t.term))} na ${t.from === 'receipt' ? 'ontvangst van de klacht' : 'het begin van de trede'} (${KIND_NL[t.kind] ?? t.kind}${t.statute ? `, ${t.statute}` : ''}), over: ${stepsInSpan(
          reg,
          t,
        )
          .map((id) => findStep(reg, id)?.step.title ?? id)
          .join(
            ', ',
          )}${x ? `; verdagen ${x.max ? `met ten hoogste ${describeTerm(parseTerm(x.max))}` : 'zonder grens'}${x.beyondMaxWithConsent ? ', verder met instemming van de klager' : ''}` : ''}`,
      );
    }
  }
  if (reg.referrals.length) {
    lines.push(
      '',
      'Verwijzingen:',
      ...reg.referrals.map((r) => `  - ${r.name} (${REFERRAL_NL[r.kind] ?? r.kind}): ${r.when}`),
    );
  }
  if (reg.notModelled.length) {
    lines.push('', 'Nog niet in het model:', ...reg.notModelled.map((n) => `  - "${n.quote}" — ${n.why}`));
  }
  return lines.join('\n');
}

/** commander's help titles, in Dutch. */
const HELP_TITLES: Record<string, string> = {
  'Usage:': 'Gebruik:',
  'Options:': 'Opties:',
  'Global Options:': 'Algemene opties:',
  'Commands:': 'Opdrachten:',
  'Arguments:': 'Argumenten:',
};

/**
 * commander's own usage errors in Dutch. commander builds them in English and hands each, with its
 * code, to `Command.error`; the names it quotes ('--bogus', 'regeling') are taken from its message.
 * A code commander adds later falls back to its text without "error:", so nothing is lost.
 */
export function dutchUsageError(message: string, code: string | undefined): string {
  const quoted = [...message.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
  const [first = '', second = ''] = quoted;
  // commander's suggestion: "(Did you mean show?)" or "(Did you mean one of a, b?)".
  const similar = /\(Did you mean (?:one of )?(.+)\?\)/.exec(message)?.[1];
  const suggestion = similar ? ` Bedoelt u ${similar.split(', ').join(' of ')}?` : '';
  const counts = /Expected (\d+) arguments? but got (\d+)/.exec(message);
  const reason = (s: string) => s.replace(/^.*? is invalid\.\s*/s, '').trim();
  switch (code) {
    case 'commander.unknownOption':
      return `onbekende optie ${first}.${suggestion}`;
    case 'commander.unknownCommand':
      return `onbekende opdracht ${first}.${suggestion}`;
    case 'commander.missingArgument':
      return `<${first}> ontbreekt.`;
    case 'commander.optionMissingArgument':
      return `bij ${first} hoort een waarde.`;
    case 'commander.missingMandatoryOptionValue':
      return `${first} is verplicht.`;
    case 'commander.excessArguments':
      return `te veel waarden${first ? ` voor ${first}` : ''}: verwacht ${counts?.[1] ?? '?'}, gekregen ${counts?.[2] ?? '?'}.`;
    case 'commander.conflictingOption':
      return `${first.replace(/^option /, '')} kan niet samen met ${second}.`;
    case 'commander.invalidArgument':
      return `de waarde ${second || first} klopt niet${second ? ` bij ${first}` : ''}. ${reason(message)}`.trim();
    default:
      return message.replace(/^error: /, '');
  }
}

/** A command whose usage errors (and those of its subcommands) are Dutch, as `klachtflow: ...`. */
class DutchCommand extends Command {
  override createCommand(name?: string): Command {
    return new DutchCommand(name);
  }
  override error(message: string, errorOptions?: { code?: string; exitCode?: number }): never {
    return super.error(`klachtflow: ${dutchUsageError(message, errorOptions?.code)}`, errorOptions);
  }
}

/** Where an outcome leads, in words (the regulation file's `next`). */
function nextInWords(reg: Regulation, next: string): string {
  if (next === 'next') return 'volgende stap';
  if (next === 'close') return 'klacht afgesloten';
  if (next === 'choice') return 'de klager kiest of hij verder wil';
  if (next.startsWith('rung:'))
    return `naar ${reg.ladder.rungs.find((r) => `rung:${r.id}` === next)?.title ?? next.slice(5)}`;
  if (next.startsWith('step:')) return `naar de stap ${next.slice(5)}`;
  if (next.startsWith('referral:'))
    return `verwijzen naar ${reg.referrals.find((r) => `referral:${r.id}` === next)?.name ?? next.slice(9)}`;
  return next;
}

const ACTOR_NL: Record<string, string> = { system: 'klachtflow zelf', complainant: 'de klager' };
const KIND_NL: Record<string, string> = {
  statutory: 'wettelijk',
  regulation: 'regeling',
  target: 'streeftermijn',
  complainant: 'termijn van de klager',
};
const RUNG_NL: Record<string, string> = {
  informal: 'informeel',
  officer: 'klachtenfunctionaris',
  manager: 'leidinggevende',
  director: 'bestuurder',
  committee: 'commissie',
  external: 'buiten de organisatie',
};
const CHANNEL_NL: Record<string, string> = {
  web: 'formulier',
  email: 'e-mail',
  phone: 'telefoon',
  letter: 'brief',
  'in-person': 'persoonlijk',
  employee: 'via een medewerker',
};
const LETTER_NL: Record<string, string> = {
  acknowledgement: 'ontvangstbevestiging',
  admissibility: 'in behandeling',
  inadmissible: 'niet ontvankelijk',
  'not-handled': 'niet behandeld',
  extension: 'verlenging',
  invitation: 'uitnodiging',
  'conversation-report': 'gespreksverslag',
  findings: 'bevindingen',
  judgement: 'oordeel',
  'committee-advice': 'advies van de commissie',
  ruling: 'uitspraak',
  decision: 'beslissing',
  referral: 'verwijzing',
  'next-step-info': 'wat de klager nu kan doen',
  closure: 'afsluiting',
  withdrawal: 'intrekking',
  'respondent-notice': 'bericht aan de beklaagde',
};
const REFERRAL_NL: Record<string, string> = {
  'confidential-adviser': 'vertrouwenspersoon',
  'client-support': 'cliëntondersteuning',
  'disputes-body': 'geschilleninstantie',
  'external-committee': 'externe klachtencommissie',
  'data-protection-officer': 'functionaris gegevensbescherming',
  disciplinary: 'tuchtrecht',
  ombudsman: 'ombudsman',
  'care-provider': 'zorgaanbieder',
};
const WHEN_NL: Record<string, string> = { 'after-rung': 'na deze trede', 'any-time': 'op ieder moment' };

/** The local SMTP server's port when `--smtp-port` is not given (2525: no root needed, unlike 25). */
export const DEFAULT_SMTP_PORT = 2525;

export function buildProgram(): Command {
  const program = new DutchCommand('klachtflow')
    .description('Klachtenregelingen als code: regelingen, termijnen en de lokale dienst.')
    .showHelpAfterError('(meer weten: voeg --help toe)')
    .exitOverride()
    // The help in Dutch: commander's own titles and help texts, set once on the program (every
    // subcommand copies them).
    .helpOption('-h, --help', 'toon deze hulp')
    .helpCommand('help [opdracht]', 'toon de hulp bij een opdracht')
    .configureHelp({
      styleTitle: (title: string) => HELP_TITLES[title] ?? title,
      styleUsage: (usage: string) => usage.replace('[options]', '[opties]').replace('[command]', '<opdracht>'),
      subcommandTerm: (cmd: Command) => new Help().subcommandTerm(cmd).replace('[options]', '[opties]'),
    });

  const regulation = program.command('regulation').description('Klachtenregelingen: tonen en toetsen.');
  regulation
    .command('list')
    .description('De meegeleverde regelingen (presets).')
    .option('--json', 'uitvoer als JSON')
    .action((opts: { json?: boolean }) => {
      const rows = PRESET_IDS.map((id) => {
        const reg = load(id);
        return {
          id,
          title: reg.title,
          organisation: reg.organisation.name,
          legalFramework: reg.organisation.legalFramework,
          rungs: reg.ladder.rungs.length,
        };
      });
      print(!!opts.json, rows, () =>
        rows
          .map(
            (r) =>
              `${r.id.padEnd(20)} ${r.organisation.padEnd(30)} ${r.legalFramework.join(',').padEnd(10)} ${r.rungs} treden`,
          )
          .join('\n'),
      );
    });
  regulation
    .command('show')
    .description('Toon een regeling: een preset-id of een bestand (YAML of JSON).')
    .argument('<regeling>', 'preset-id of pad naar een regelingbestand')
    .option('--json', 'de hele regeling als JSON (met standaardwaarden ingevuld)')
    .action((ref: string, opts: { json?: boolean }) => {
      const reg = load(ref);
      print(!!opts.json, reg, () => describeRegulation(reg));
    });
  regulation
    .command('lint')
    .description('Toets een regeling aan haar wettelijk kader (Awb, Wkkgz, Jeugdwet) en haar brondocument.')
    .argument('<regeling>', 'preset-id of pad naar een regelingbestand')
    .option('--json', 'bevindingen als JSON')
    .option('--notes', 'toon ook de aannames van klachtflow')
    .action((ref: string, opts: { json?: boolean; notes?: boolean }) => {
      const reg = load(ref);
      const findings = lintRegulation(reg);
      const shown = opts.notes || opts.json ? findings : findings.filter((f) => f.level !== 'note');
      const errors = findings.filter((f) => f.level === 'error').length;
      const warnings = findings.filter((f) => f.level === 'warning').length;
      print(!!opts.json, { regulation: reg.id, passes: lintPasses(findings), findings: shown }, () =>
        [
          ...shown.map((f) => `${f.level.padEnd(7)} ${f.article.padEnd(16)} ${f.path}\n        ${f.message}`),
          `${reg.id}: ${errors} fout(en), ${warnings} waarschuwing(en)${opts.notes ? '' : `, ${findings.length - errors - warnings} aanname(s) (--notes)`}`,
        ].join('\n'),
      );
      if (!lintPasses(findings)) process.exitCode = 1;
    });

  regulation
    .command('diagram')
    .description('De ladder van een regeling als SVG-tekening (op stdout).')
    .argument('<regeling>', 'preset-id of pad naar een regelingbestand')
    .option('--step <id>', 'markeer deze stap')
    .action(async (ref: string, opts: { step?: string }) => {
      const { ladderSvg } = await import('../statemachines/diagram.js');
      process.stdout.write(await ladderSvg(load(ref), opts.step));
    });

  program
    .command('report')
    .description('Rapportage over een periode (anoniem), van de lokale dienst die draait.')
    .requiredOption('--from <datum>', 'begindatum, JJJJ-MM-DD')
    .requiredOption('--to <datum>', 'einddatum (tot en met), JJJJ-MM-DD')
    .addOption(new Option('--format <vorm>', 'json, csv of html').choices(['json', 'csv', 'html']).default('json'))
    .option('--url <url>', 'adres van de dienst', 'http://127.0.0.1:3000')
    .option('--data <map>', 'gegevensmap van de dienst (voor de toegangscode)', '.klachtflow')
    .action(async (opts: { from: string; to: string; format: string; url: string; data: string }) => {
      const file = `${opts.data}/officers.json`;
      if (!existsSync(file))
        throw new UsageError(`Geen toegangscodes in ${file}: start eerst de dienst (npm start).`, 1);
      const token = Object.values(JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>)[0];
      let res: Response;
      try {
        res = await fetch(
          `${opts.url}/reports?from=${encodeURIComponent(opts.from)}&to=${encodeURIComponent(opts.to)}&format=${opts.format}`,
          { headers: { authorization: `Bearer ${token}` } },
        );
      } catch {
        throw new UsageError(`De dienst op ${opts.url} antwoordt niet: start hem met npm start.`, 1);
      }
      const text = await res.text();
      if (res.status !== 200)
        throw new UsageError(`De dienst weigerde (${res.status}): ${text}`, res.status === 400 ? 2 : 1);
      process.stdout.write(opts.format === 'json' ? `${JSON.stringify(JSON.parse(text), null, 2)}\n` : text);
    });

  program
    .command('simulate')
    .description(
      'Stuur klachten door de echte ladder op een handmatige klok en toon wat er gebeurde (planning, kosten).',
    )
    .option('--regulation <regeling>', 'preset-id', 'ons-welzijn')
    .option('--complaints <n>', 'aantal klachten', '20')
    .option('--days <d>', 'over hoeveel dagen ze binnenkomen', '30')
    .option('--suspend <aandeel>', 'aandeel klachten waarvan de termijn een keer stil wordt gezet (0 tot 1)', '0.1')
    .option(
      '--workers <n>',
      'verdeel de klachten over zoveel threads, elk met een eigen runtime (1: alles in één)',
      '1',
    )
    .option('--json', 'uitvoer als JSON')
    .option(
      '--dump <bestand>',
      'schrijf de brieven en de dossiers aan het eind naar dit bestand (om twee runs te vergelijken)',
    )
    .allowUnknownOption()
    .action(
      async (opts: {
        regulation: string;
        complaints: string;
        days: string;
        suspend: string;
        workers: string;
        json?: boolean;
        dump?: string;
      }) => {
        // The simulation lives with the benchmarks (bench/simulate.ts) and reads its own arguments.
        process.argv = [
          process.argv[0] ?? 'node',
          'simulate',
          '--regulation',
          opts.regulation,
          '--complaints',
          opts.complaints,
          '--days',
          opts.days,
          '--suspend',
          opts.suspend,
          '--workers',
          opts.workers,
          ...(opts.json ? ['--json'] : []),
          ...(opts.dump ? ['--dump', opts.dump] : []),
        ];
        await import('../bench/simulate.js');
      },
    );

  program
    .command('compile')
    .description(
      'Vertaal de vijf presets naar hun state machine (statemachines/<id>.asl.json) en teken hun ladder (<id>.ladder.svg).',
    )
    .option('--check', 'schrijf niets; meld (exit 1) als een bestand niet meer klopt met de compiler')
    .action(async (opts: { check?: boolean }) => {
      const { ladderSvg } = await import('../statemachines/diagram.js');
      const stale: string[] = [];
      for (const id of PRESET_IDS) {
        const reg = load(id);
        const files: [string, string][] = [
          [aslFile(id), renderAsl(compileRegulation(reg))],
          // Drawn here, not at run time: the API function carries no Graphviz (#19).
          [ladderSvgFile(id), await ladderSvg(reg)],
        ];
        for (const [file, text] of files) {
          const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
          if (current === text) continue;
          stale.push(file.replace(/.*\//, ''));
          if (!opts.check) writeFileSync(file, text);
        }
      }
      if (opts.check && stale.length > 0) {
        throw new UsageError(`Niet actueel: ${stale.join(', ')}. Draai "npm run compile" en commit het resultaat.`, 1);
      }
      process.stdout.write(
        stale.length
          ? `${opts.check ? 'niet actueel' : 'geschreven'}: ${stale.join(', ')}\n`
          : 'alle state machines en ladders zijn actueel\n',
      );
    });

  program
    .command('deadline')
    .description('Bereken een termijn op de Nederlandse juridische kalender (Algemene termijnenwet).')
    .argument('<datum>', 'de dag van de gebeurtenis waarvandaan de termijn loopt (JJJJ-MM-DD) of een ISO-tijdstip')
    .argument('<termijn>', 'de termijn zoals de regeling hem schrijft, bijv. "3 werkdagen" of "binnen zes weken"')
    .option('--no-atw', 'de Algemene termijnenwet niet toepassen (een eigen termijn van de regeling)')
    .option('--json', 'uitvoer als JSON: lastDay, dueAt, explanation')
    .addOption(
      new Option('--closing-day <datum...>', 'extra sluitingsdagen van de organisatie (tellen niet als werkdag)'),
    )
    .option('--event <naam>', 'naam van de gebeurtenis in de uitleg', 'ontvangst van de klacht')
    .action(
      (date: string, term: string, opts: { atw: boolean; json?: boolean; closingDay?: string[]; event: string }) => {
        if (!/^\d{4}-\d{2}-\d{2}($|T)/.test(date))
          throw new UsageError(`"${date}" is geen datum; schrijf JJJJ-MM-DD, bijvoorbeeld 2026-09-03.`, 2);
        try {
          const d = computeDeadline({
            anchor: { event: opts.event, at: date },
            term,
            atw: opts.atw,
            closingDays: opts.closingDay ?? [],
          });
          print(
            !!opts.json,
            d,
            () =>
              `${formatDutchDate(d.lastDay)} (${d.lastDay}), uiterlijk ${d.dueAt}\n${d.explanation.text}${d.explanation.warnings.map((w) => `\nLet op: ${w}`).join('')}`,
          );
        } catch (e) {
          if (e instanceof TermParseError || e instanceof DeadlineError) throw new UsageError(e.message, 2);
          if (e instanceof RangeError) throw new UsageError(`"${date}" is geen bestaande datum.`, 2);
          throw e;
        }
      },
    );

  program
    .command('start')
    .description('Start de hele dienst op deze machine: API, ladder, brievenbus (alleen op 127.0.0.1).')
    .option('--regulation <regeling>', 'preset-id of regelingbestand', 'ons-welzijn')
    .option('--port <n>', 'poort op 127.0.0.1', '3000')
    .option('--data <map>', 'map voor de gegevens (blijven bewaard na een herstart)', '.klachtflow')
    .addOption(
      new Option('--clock <soort>', 'real: de echte tijd; manual: tijd loopt alleen via POST /local/clock')
        .choices(['real', 'manual'])
        .default('real'),
    )
    .option('--now <tijdstip>', 'starttijd van de klok (ISO 8601), vooral met --clock manual')
    .option('--speed <factor>', 'laat de echte klok sneller lopen, bijvoorbeeld 86400 (een dag per seconde)', '1')
    .option(
      '--smtp-port <n>',
      `poort van de SMTP-server voor klachten per e-mail op 127.0.0.1 (standaard ${DEFAULT_SMTP_PORT}; 0: een vrije poort)`,
    )
    .option(
      '--trust-proxy <adres...>',
      'een proxy voor klachtflow (adres of reeks, bijvoorbeeld 127.0.0.1 of 10.0.0.0/8): alleen van die proxy geldt X-Forwarded-For voor de limieten per afzender',
    )
    .option(
      '--ignore-lint-errors',
      'start ook als "klachtflow regulation lint" fouten in de regeling vindt (alleen om te proberen, niet voor echte klachten)',
    )
    .action(
      async (opts: {
        regulation: string;
        port: string;
        data: string;
        clock: 'real' | 'manual';
        now?: string;
        speed: string;
        smtpPort?: string;
        trustProxy?: string[];
        ignoreLintErrors?: boolean;
      }) => {
        const port = Number(opts.port);
        const smtpPort = opts.smtpPort === undefined ? DEFAULT_SMTP_PORT : Number(opts.smtpPort);
        if (!Number.isInteger(smtpPort) || smtpPort < 0 || smtpPort > 65535)
          throw new UsageError(`--smtp-port "${opts.smtpPort}" is geen poortnummer.`, 2);
        const speed = Number(opts.speed);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new UsageError(`--port "${opts.port}" is geen poortnummer.`, 2);
        if (!(speed > 0)) throw new UsageError(`--speed "${opts.speed}" moet een positief getal zijn.`, 2);
        if (opts.now && Number.isNaN(Date.parse(opts.now)))
          throw new UsageError(`--now "${opts.now}" is geen ISO 8601-tijdstip.`, 2);
        const reg = load(opts.regulation); // a clear message for a bad regulation, before anything starts
        // A regulation the lint finds against the law (a Wkkgz regulation without a
        // klachtenfunctionaris) or against its own document does not run real complaints. Checked
        // here before anything starts; with the flag, the runtime prints what is wrong.
        try {
          refuseLintErrors(reg, { ignore: !!opts.ignoreLintErrors, override: '--ignore-lint-errors' });
        } catch (e) {
          if (e instanceof LintRefusedError) throw new UsageError(e.message, 1);
          throw e;
        }
        const { INTAKE_QUIET_MS, startRuntime } = await import('../runtime/runtime.js');
        let runtime: Awaited<ReturnType<typeof startRuntime>>;
        const start = (smtp: number) =>
          startRuntime({
            regulation: opts.regulation,
            port,
            dataDir: opts.data,
            clock: opts.clock,
            ...(opts.now ? { now: opts.now } : {}),
            speed,
            smtpPort: smtp,
            ...(opts.trustProxy?.length ? { trustProxy: opts.trustProxy } : {}),
            ...(opts.ignoreLintErrors ? { ignoreLintErrors: true, lintOverride: '--ignore-lint-errors' } : {}),
            // The test suite's child processes (test/support/process.ts): a preset's committed ASL
            // is validated by test/compile.test.ts, not again at each of their ~50 starts (#19).
            ...(process.env.KLACHTFLOW_TRUST_COMMITTED_ASL === '1' ? { trustCommittedAsl: true } : {}),
            // A burst of complaints is answered before the ladders it started begin (#19).
            intakeQuietMs: INTAKE_QUIET_MS,
            log: (line) => process.stdout.write(`${line}\n`),
          });
        const inUse = (e: unknown) => (e as NodeJS.ErrnoException).code === 'EADDRINUSE';
        try {
          try {
            runtime = await start(smtpPort);
          } catch (e) {
            // The default SMTP port taken (another runtime on this machine): any free port, said
            // in the ready message. A port asked for explicitly is not replaced.
            if (!(inUse(e) && (e as { smtp?: boolean }).smtp && opts.smtpPort === undefined)) throw e;
            process.stdout.write(`Poort ${smtpPort} is bezet; de SMTP-server neemt een vrije poort.\n`);
            runtime = await start(0);
          }
        } catch (e) {
          if (inUse(e) && (e as { smtp?: boolean }).smtp)
            throw new UsageError(`Poort ${smtpPort} is al in gebruik; kies een andere met --smtp-port.`, 1);
          if (inUse(e)) throw new UsageError(`Poort ${port} is al in gebruik; kies een andere met --port.`, 1);
          throw e;
        }
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.stdout.write('klachtflow stopt…\n');
            void runtime.stop().then(resolve, resolve);
          };
          process.once('SIGINT', stop);
          process.once('SIGTERM', stop);
        });
      },
    );
  return program;
}

/** Runs the command line; resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`klachtflow: ${e.message}\n`);
      return e.exitCode;
    }
    throw e;
  }
}
