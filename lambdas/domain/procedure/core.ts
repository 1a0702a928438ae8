/**
 * The one way a dossier changes: load, decide (a pure function of the dossier and the moment),
 * append on the version read, deliver. Every module of the procedure goes through `mutate` (or
 * `appendLatest` for facts that do not depend on the view), so a retried task, a withdrawal racing
 * a deadline, or two officers clicking at once each take effect once. Letters go through an
 * outbox in the dossier: decided and stored first (`letter`), sent after (`deliver`), and sent
 * again when a crash came in between.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { LetterKind } from '../../../statemachines/model.js';
import { toSecond } from '../calendar/instant.js';
import type { DossierView, EventBody, QueuedLetter } from '../dossier.js';
import { ConflictError, LetterRejectedError, NotFoundError, RaceLostError } from '../errors.js';
import { PAGE_LINK, renderLetter } from '../letters.js';
import type { ReminderPayload } from '../ports.js';
import { isWellFormed } from '../text.js';
import { hashToken } from './access.js';
import { messageIdReference, type ProcedureDeps } from './types.js';

/**
 * A letter's own key, as the mailer tags it (`klachtflow-letter`): the same letter sent again has
 * the same key, and a report of the mail service names it (procedure/mail-events.ts).
 */
export function letterKey(dossierId: string, letterId: string): string {
  return createHash('sha256').update(`${dossierId}/${letterId}`).digest('hex').slice(0, 40);
}

/** What a decided reminder's schedule carries to the reminder function (made at once, or again by the recovery). */
export function reminderPayload(
  dossierId: string,
  d: Extract<EventBody, { type: 'reminder.scheduled' }>['data'],
): ReminderPayload {
  return {
    // A term for the whole handling: its reminder or its end (procedure/handling-terms.ts).
    ...(d.kind ? { kind: d.kind } : {}),
    dossierId,
    stepId: d.stepId,
    deadlineId: d.deadlineId,
    name: d.name,
  } as ReminderPayload;
}

/** What a decided erasure's schedule carries to the reminder function (made at closure, or again by the recovery). */
export function erasurePayload(
  dossierId: string,
  d: Extract<EventBody, { type: 'retention.scheduled' }>['data'],
): ReminderPayload {
  return { kind: 'erase', dossierId, name: d.name };
}

/** A complainant's letter by e-mail that names their page: it gets a link of its own (Core.withPageLink). */
const linksPage = (l: Pick<QueuedLetter, 'audience' | 'to' | 'text'>) =>
  l.audience === 'complainant' && l.to.length > 0 && l.text.includes(PAGE_LINK);

/** A new private link for a letter: its token, and the event that keeps only the token's hash (access.ts). */
function pageLink(letterId: string): { token: string; grant: Extract<EventBody, { type: 'access.granted' }> } {
  const token = randomBytes(16).toString('base64url');
  return { token, grant: { type: 'access.granted', data: { accessTokenHash: hashToken(token), letterId } } };
}

/** How many page links minted with a decision a process keeps for the letters it has yet to send. */
const MINTED_KEPT = 1024;
/** A lost race's winning commit is folded in this many times in a row; then the dossier is read. */
const FOLDS_IN_A_ROW = 3;

/** The view with the winning commit folded in, where a lost race's refusal brought it (RaceLostError). */
function winningView(e: unknown): DossierView | undefined {
  return e instanceof RaceLostError ? (e as RaceLostError<DossierView>).latest : undefined;
}

/** The procedure's shared core: the regulation, the clock, decide-and-append, the outbox. */
export class Core {
  constructor(readonly deps: ProcedureDeps) {}

  /** The pause after a lost race (ProcedureDeps.pause), on the wall clock unless the runtime says otherwise. */
  private pause(ms: number): Promise<void> {
    return this.deps.pause ? this.deps.pause(ms) : new Promise((r) => setTimeout(r, ms));
  }

  /** Page link tokens granted with a decision this process appended, by dossier and letter, until sent (grantLinks). */
  private readonly minted = new Map<string, string>();

  get reg() {
    return this.deps.regulation;
  }

  now(): string {
    return toSecond(this.deps.clock.now().getTime());
  }

  // ---------------------------------------------------------------------------------------
  // Changing a dossier

  /**
   * Loads, decides, appends; retried when another writer got there first.
   *
   * `known`: a view of this dossier the caller read a moment ago (a view the store returned). The
   * first decision is taken on it without reading the dossier again; the append on its version is
   * conditional, so it only succeeds if nothing was written since, which makes the decision as
   * good as one on a fresh read. A decision that appends nothing, or refuses, proves nothing about
   * the view being current: it is taken again on the dossier as it is now.
   */
  async mutate(
    id: string,
    by: string,
    decide: (view: DossierView, now: string) => EventBody[],
    known?: DossierView,
  ): Promise<DossierView> {
    let unverified = known?.id === id ? known : undefined;
    // After a lost race: the view decided on, brought up to date by the events since (store.load).
    let stale: DossierView | undefined;
    let folded = 0; // commits that won, folded in a row without a read (RaceLostError)
    for (let attempt = 0; ; attempt++) {
      const view = unverified ?? (await this.deps.store.load(id, stale));
      if (!view) throw new NotFoundError();
      const now = this.now();
      let bodies: EventBody[];
      try {
        bodies = decide(view, now);
      } catch (e) {
        if (view !== unverified) throw e;
        unverified = undefined;
        stale = view;
        continue;
      }
      if (bodies.length === 0) {
        if (view === unverified) {
          unverified = undefined;
          stale = view;
          continue;
        }
        return this.deliver(view, []);
      }
      const onKnown = view === unverified;
      unverified = undefined;
      const links = this.grantLinks(bodies);
      let next: DossierView;
      try {
        next = await this.deps.store.append(id, view.version, [...bodies, ...links.grants], by, now, view);
      } catch (e) {
        // Another writer got there first: decide again on what it wrote (with a little jitter,
        // so that many writers at once do not keep colliding). A clash on the known view, never
        // read, says only that the view was old, not that writers are busy at once: decided again
        // at once on a fresh read (#19: these pauses were most of a simulated year's idle time).
        if (e instanceof ConflictError && attempt < 30) {
          stale = view;
          // The commit that won came with the refusal: decided again on the view with it, at once
          // and without a read, as on a known view (store.append, RaceLostError).
          // A few in a row at most: each brings one commit, so a writer many commits behind reads
          // the dossier instead of spending an attempt on each (then 409 after 30).
          const won = winningView(e);
          if (won && folded++ < FOLDS_IN_A_ROW) {
            unverified = won;
            continue;
          }
          folded = 0;
          if (won) stale = won;
          if (!onKnown) await this.pause(Math.random() * 5 * Math.min(attempt + 1, 8));
          continue;
        }
        throw e;
      }
      for (const [letterId, token] of links.tokens) {
        this.minted.set(`${id}\n${letterId}`, token);
        if (this.minted.size > MINTED_KEPT) this.minted.delete(this.minted.keys().next().value as string);
      }
      // Outside the retry: a clash while recording a letter as sent is not a clash of this decision.
      // Answers the view after what delivering recorded (letters sent, links minted): a view the
      // store returned for its own last append, so a caller that answers with it (the officer's
      // action) reads nothing back (#19: that read was 2.75 Queries a complaint).
      return this.deliver(next, bodies);
    }
  }

  /**
   * `mutate` starting from the latest view of the dossier the store saw in this process, where it
   * keeps one (DossierStore.known: the local runtime and the simulation), instead of a Query: the
   * ladder's tasks (#19, session 16: their Queries were 10 a simulated complaint, each followed by
   * a fold of every commit). Why a view that may be stale never decides anything:
   * - The append is conditional on the next version (`attribute_not_exists`), so it only succeeds
   *   when nothing was written since the view: then the decision is the one a fresh read gives.
   *   Otherwise the refusal brings the commit that won and the decision is made again on the view
   *   with it (at most FOLDS_IN_A_ROW times, then a read), as with any lost race.
   * - A decision that appends nothing, or refuses, proves nothing: `mutate` reads the dossier and
   *   decides again before the task answers (the output of a task, e.g. deadlinePassed's cursor
   *   or beginStep's, is that of the last decision, taken on a view the store proved current).
   *   A task that only reads (continueExecution) reads, as before.
   * - Erasure (AVG art. 17, privacy.ts erase): only a closed dossier is erased, its commits are
   *   rewritten in place and never deleted, and `erased` is itself a commit. A container's view
   *   from before the erasure is at most at the version before that commit, so its append falls on
   *   a sequence number that exists and is refused, whatever the view says; folding what won ends
   *   on the closed (then erased) dossier, on which no ladder task decides anything, so it reads
   *   and ends. And the store keeps no view of a closed or erased dossier to start from.
   * - Memory: the views are the store's `recent` ones, a fixed number (RECENT_DOSSIERS), the
   *   least recent out, closed dossiers out at once: nothing grows with history.
   * In AWS the store answers none (DynamoDossierStore `knownViews` off): each function's
   * containers see only that function's writes, so the view would nearly always be behind.
   */
  async mutateKnown(
    id: string,
    by: string,
    decide: (view: DossierView, now: string) => EventBody[],
  ): Promise<DossierView> {
    return this.mutate(id, by, decide, await this.deps.store.known?.(id));
  }

  /**
   * Sends what the outbox holds and creates or removes the reminders just decided. What it records
   * (a link minted, the letters sent or set aside) is appended on the latest view it knows, `view`
   * and then each of its own appends: no read of the dossier unless another writer came in between.
   * The letters it sent are recorded together, in one commit after the last send (#19, session 15:
   * one append a letter was 7.3 appends a simulated complaint, and each that met the ladder's next
   * step was refused and read again); passing trouble stops the sending, and what was sent before
   * it is recorded first. Answers the latest of those views.
   */
  async deliver(view: DossierView, appended: EventBody[], force = false): Promise<DossierView> {
    let latest = view;
    for (const b of appended) {
      if (b.type === 'reminder.scheduled')
        await this.deps.reminders.schedule(b.data.name, new Date(b.data.at), reminderPayload(view.id, b.data));
      if (b.type === 'reminder.cancelled') await this.deps.reminders.cancel(b.data.name);
      if (b.type === 'retention.scheduled') {
        await this.deps.reminders.schedule(b.data.name, new Date(b.data.at), erasurePayload(view.id, b.data));
        // Made (or there already): the commit's mark for the recovery of lost erasures goes
        // (AVG art. 5 lid 1 onder e; procedure/recovery.ts recoverErasures).
        await this.deps.store.confirmErasure(view.id);
      }
    }
    // What this delivery did with each letter it took, recorded after the last send.
    const done: Extract<EventBody, { type: 'letter.sent' | 'letter.failed' }>[] = [];
    let trouble: { error: unknown } | undefined;
    try {
      for (const letter of view.letters.filter((l) => l.status === 'queued')) {
        // A lease, not a lock: two writers never send the same letter at once, and a letter whose
        // sender crashed before recording it is sent by the next writer after the lease ran out
        // (with the same key: letterKey). A letter sent in this delivery is recorded with the
        // others after the last send, so a crash between two sends has the earlier ones sent
        // again too, once the lease ran out: a second copy, never a letter lost.
        // Leases are about live processes, so they run on the wall clock, not the legal one.
        if (!(await this.deps.store.lease(view.id, `letter#${letter.letterId}`, new Date(), force ? 0 : 60)) && !force)
          continue;
        let messageId = 'niet-verzonden';
        if (letter.to.length > 0) {
          try {
            // Text no UTF-8 encoder can write (stored before input was checked) is refused for good.
            if (![letter.from, ...letter.to, letter.subject, letter.text, letter.html].every(isWellFormed))
              throw new LetterRejectedError('text-not-well-formed');
            const linked = await this.withPageLink(latest, letter);
            latest = linked.view;
            const { text, html } = linked;
            ({ messageId } = await this.deps.mailer.send({
              key: letterKey(view.id, letter.letterId),
              dossierId: view.id,
              from: letter.from,
              to: letter.to,
              subject: letter.subject,
              text,
              html,
            }));
          } catch (e) {
            if (!(e instanceof LetterRejectedError)) throw e; // passing trouble: it stays queued and is sent again
            // Refused for good: set aside, never recorded as sent, and never again at start-up, so
            // one bad letter cannot stop the service; the alarm tells someone to deliver it another way.
            done.push({ type: 'letter.failed', data: { letterId: letter.letterId, reason: e.reason } });
            continue;
          }
        }
        // Sent: recorded whatever happens next (trouble with the reference below must not have it
        // sent again).
        done.push({ type: 'letter.sent', data: { letterId: letter.letterId, messageId } });
        // A reply to a letter names it in In-Reply-To/References (SES: <messageId@region.amazonses.com>):
        // remember whose dossier it was, so a reply without the reference in its subject finds it.
        if (letter.to.length > 0 && letter.audience === 'complainant' && messageId)
          await this.deps.store.putReference(messageIdReference(messageId), this.reg.id, view.id);
      }
    } catch (error) {
      trouble = { error };
    }
    if (done.length > 0) {
      // Recorded once, however many writers delivered them: on each attempt only what the dossier
      // does not show yet (a letter recorded sent by another writer, or set aside, is not again).
      latest = await this.appendLatest(
        view.id,
        (v) =>
          done.filter((b) => {
            const l = v.letters.find((x) => x.letterId === b.data.letterId);
            return b.type === 'letter.sent' ? l?.status !== 'sent' : l?.status === 'queued';
          }),
        undefined,
        latest,
      );
      for (const b of done)
        if (b.type === 'letter.failed')
          this.deps.observer?.letterFailed?.({
            regulationId: this.reg.id,
            dossierId: view.id,
            letterId: b.data.letterId,
            reason: b.data.reason,
          });
    }
    if (trouble) throw trouble.error;
    return latest;
  }

  /**
   * Page links for the complainant's letters a decision queues, granted in the decision's own
   * commit (#19: the grant was a commit of its own at sending, 0.95 a complaint): the tokens stay
   * in this process (`minted`) and only their hashes go in the dossier, granted by klachtflow as
   * before. The writer that sends the letter uses its token; any other writer (the letter's lease
   * was another's, the process crashed) mints another at sending, as before.
   */
  private grantLinks(bodies: EventBody[]): { grants: EventBody[]; tokens: [string, string][] } {
    const grants: EventBody[] = [];
    const tokens: [string, string][] = [];
    for (const b of bodies) {
      if (b.type !== 'letter.queued' || !linksPage(b.data)) continue;
      // A letter that will be set aside (text no encoder can write) is never sent: no link.
      if (![b.data.from, ...b.data.to, b.data.subject, b.data.text, b.data.html].every(isWellFormed)) continue;
      const { token, grant } = pageLink(b.data.letterId);
      tokens.push([b.data.letterId, token]);
      grants.push({ ...grant, by: 'klachtflow' });
    }
    return { grants, tokens };
  }

  /**
   * A complainant's letter that names their page (`PAGE_LINK`) gets a working link as it is sent:
   * the token is minted here and only its hash is recorded, so the stored letter never holds a
   * key to the complaint. Recorded before sending, so the link works when the mail is read; a
   * retry after passing trouble mints another (each one a hash in the dossier, until a renewal).
   */
  private async withPageLink(
    view: DossierView,
    letter: Pick<QueuedLetter, 'letterId' | 'audience' | 'to' | 'text' | 'html'>,
  ): Promise<{ text: string; html: string; view: DossierView }> {
    if (!linksPage(letter)) return { text: letter.text, html: letter.html, view };
    // Granted with the decision that queued it, by this process (grantLinks): sent with that token.
    const minted = this.minted.get(`${view.id}\n${letter.letterId}`);
    this.minted.delete(`${view.id}\n${letter.letterId}`);
    let token = minted;
    let after = view;
    if (!token) {
      const link = pageLink(letter.letterId);
      token = link.token;
      after = await this.appendLatest(view.id, [link.grant], undefined, view);
    }
    const url = this.deps.urls.status(view.id, token);
    const safe = url.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
    return {
      view: after,
      text: letter.text.replaceAll(PAGE_LINK, url),
      html: letter.html.replaceAll(
        PAGE_LINK,
        `<a href="${safe}" style="color:#0b57d0;word-break:break-all">${safe}</a>`,
      ),
    };
  }

  /**
   * Appends on whatever the latest version is (for facts that do not depend on the view, or a
   * function that picks those the view does not show yet), and answers the view after it (or the
   * view that showed it done). `known`: a view of this dossier
   * the store returned a moment ago, tried first without reading (as in `mutate`: only an append
   * on it proves it current; `unlessDone` on it is checked again on a fresh read).
   */
  async appendLatest(
    id: string,
    facts: EventBody[] | ((view: DossierView) => EventBody[]),
    unlessDone?: (view: DossierView) => boolean,
    known?: DossierView,
  ): Promise<DossierView> {
    let unverified = known?.id === id ? known : undefined;
    let stale: DossierView | undefined;
    let folded = 0; // commits that won, folded in a row without a read (RaceLostError)
    for (let attempt = 0; ; attempt++) {
      const view = unverified ?? (await this.deps.store.load(id, stale));
      if (!view) throw new NotFoundError();
      // Facts given as a function: those of them the view does not show yet (none: done).
      const bodies = typeof facts === 'function' ? facts(view) : facts;
      if (unlessDone?.(view) || bodies.length === 0) {
        if (view !== unverified) return view;
        unverified = undefined;
        stale = view;
        continue;
      }
      const onKnown = view === unverified;
      unverified = undefined;
      try {
        return await this.deps.store.append(id, view.version, bodies, 'klachtflow', this.now(), view);
      } catch (e) {
        // As in `mutate`: only a clash on a view just read is met with a pause.
        if (e instanceof ConflictError && attempt < 50) {
          stale = view;
          const won = winningView(e);
          if (won && folded++ < FOLDS_IN_A_ROW) {
            unverified = won;
            continue;
          }
          folded = 0;
          if (won) stale = won;
          if (!onKnown) await this.pause(2 + Math.random() * 10);
          continue;
        }
        throw e;
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Letters

  /** E-mail addresses of a recipient as the regulation names it. */
  addresses(view: DossierView, recipient: string): string[] {
    const r = view.received;
    if (recipient === 'complainant') return r.complainant.email ? [r.complainant.email] : [];
    if (recipient === 'respondent') return r.respondent?.email ? [r.respondent.email] : [];
    if (recipient === 'respondent-manager') return r.respondent?.managerEmail ? [r.respondent.managerEmail] : [];
    // An outside body a complaint is forwarded to (`referral:<id>`): its own address.
    if (recipient.startsWith('referral:')) {
      const email = this.reg.referrals.find((x) => x.id === recipient.slice('referral:'.length))?.contact.email;
      return email ? [email] : [];
    }
    return this.roleAddresses(recipient);
  }

  /** E-mail addresses of a role of the organisation: its people, its own address, or the complaints mailbox. */
  roleAddresses(roleId: string): string[] {
    const role = this.reg.roles.find((x) => x.id === roleId);
    if (!role) return [];
    const people = role.people.flatMap((p) => (p.email ? [p.email] : []));
    if (people.length) return people;
    if (role.contact?.email) return [role.contact.email];
    // A role without its own address reads the organisation's complaints mailbox, tagged with the role.
    const org = this.reg.organisation.contact.email ?? this.reg.organisation.senderAddress;
    const [local, domain] = org.split('@');
    return [`${local}+${role.id}@${domain}`];
  }

  letter(
    view: DossierView,
    kind:
      | LetterKind
      | 'task'
      | 'reminder'
      | 'alarm'
      | 'notice'
      | 'missing-information'
      | 'suspended'
      | 'resumed'
      | 'forwarding-cover',
    recipients: string[],
    key: string,
    extra: Omit<Parameters<typeof renderLetter>[0], 'reg' | 'view' | 'kind' | 'audience'> = {},
  ): EventBody[] {
    const groups: Record<'complainant' | 'respondent' | 'officer', string[]> = {
      complainant: [],
      respondent: [],
      officer: [],
    };
    const named = view.received.respondent;
    for (const r of recipients) {
      // No letter to a respondent nobody named (not even one to print and post): there is no one
      // to send it to. A named respondent without an address still gets one to print.
      if (r === 'respondent' && !named?.name && !named?.email) continue;
      if (r === 'respondent-manager' && !named?.managerEmail && !named?.name && !named?.email) continue;
      if (r === 'complainant') groups.complainant.push(r);
      else if (r === 'respondent' || r === 'respondent-manager') groups.respondent.push(r);
      else groups.officer.push(r);
    }
    const out: EventBody[] = [];
    for (const audience of ['complainant', 'respondent', 'officer'] as const) {
      const who = groups[audience];
      if (who.length === 0) continue;
      const letterId = `${key}:${kind}:${audience}`;
      if (view.letters.some((l) => l.letterId === letterId)) continue; // decided before: the outbox has it
      const rendered = renderLetter({
        reg: this.reg,
        view,
        kind,
        audience,
        dossierUrl: this.deps.urls.dossier(view.id),
        // Where a complainant asks for a new private link (beside the status page, same origin).
        lostLinkUrl: this.deps.urls.status(view.id, '-').replace(/\/klacht\/.*$/, '/klacht/link-kwijt'),
        ...extra,
      });
      const to = [...new Set(who.flatMap((w) => this.addresses(view, w)))];
      const data: QueuedLetter = {
        letterId,
        kind,
        audience,
        recipients: who,
        to,
        from: this.reg.organisation.senderAddress,
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
        undeliverable: who.filter((w) => this.addresses(view, w).length === 0),
      };
      out.push({ type: 'letter.queued', data });
    }
    return out;
  }

  async succeed(token: string, output: unknown): Promise<void> {
    try {
      await this.deps.workflow.succeed(token, output);
    } catch (e) {
      const name = (e as Error).name;
      if (['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'].includes(name)) {
        throw new ConflictError('Deze stap is al afgerond of de termijn is intussen verstreken; vernieuw de pagina.');
      }
      throw e;
    }
  }
}
