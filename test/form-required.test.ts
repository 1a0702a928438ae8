import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestRuntime, testRuntime } from './support/runtime.js';

// The form says which fields are required ("Alle vragen zijn verplicht, tenzij er '(niet
// verplicht)' staat"). Filled exactly as it says, for every way of filing a complaint the
// regulation offers, the form is accepted. Issue 16: SWT Dordrecht's variant requires the address
// (Awb 9:4 lid 2: name, address, description) while street, postcode and city were marked
// "(niet verplicht)", and the form was then refused for the missing address.

/** A plausible answer for each text field of the form, filled only when the form asks for it. */
const ANSWERS: Record<string, string> = {
  name: 'Sanne de Vries',
  email: 'sanne@example.nl',
  phone: '0612345678',
  street: 'Voorstraat 12',
  postcode: '3311 AB',
  city: 'Dordrecht',
  onBehalfOf: 'Piet de Vries',
  description: 'Mijn begeleider kwam twee afspraken niet na.',
  respondent: 'Team Noord',
};

interface FormField {
  id: string;
  optional: boolean;
}

/** The form's text fields with their label, as a person reads them. */
function fieldsOf(html: string): FormField[] {
  const out: FormField[] = [];
  for (const m of html.matchAll(/<label class="utrecht-form-label" for="([^"]+)">([\s\S]*?)<\/label>/g)) {
    const id = m[1] ?? '';
    if (!(id in ANSWERS)) continue;
    out.push({ id, optional: (m[2] ?? '').includes('(niet verplicht)') });
  }
  return out;
}

function radioValues(html: string, name: string): string[] {
  return [...html.matchAll(new RegExp(`type="radio"[^>]*name="${name}" value="([^"]+)"`, 'g'))].map((m) => m[1] ?? '');
}

async function fileAsTheFormSays(rt: TestRuntime) {
  const html = await (await fetch(`${rt.url}/klacht-indienen`)).text();
  const fields = fieldsOf(html);
  expect(fields.map((f) => f.id)).toEqual(expect.arrayContaining(['name', 'street', 'postcode', 'city']));
  const variants = radioValues(html, 'variant');
  const results: { variant: string; status: number; required: string[]; errors: string }[] = [];
  for (const variant of variants.length ? variants : ['']) {
    const body = new URLSearchParams({ role: radioValues(html, 'role')[0] ?? '', consent: 'ja' });
    if (variant) body.set('variant', variant);
    const required = fields.filter((f) => !f.optional).map((f) => f.id);
    for (const id of required) body.set(id, ANSWERS[id] ?? '');
    // "Vul ten minste één manier in om u te bereiken": the form says so, so the test does so.
    if (!required.some((id) => ['email', 'phone', 'street'].includes(id))) body.set('email', ANSWERS.email ?? '');
    const r = await fetch(`${rt.url}/klacht-indienen`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      redirect: 'manual',
    });
    const text = await r.text();
    const errors = [...text.matchAll(/class="utrecht-form-field-error-message kf-error"[^>]*>([^<]*)</g)].map(
      (m) => m[1],
    );
    results.push({ variant, status: r.status, required, errors: errors.join(' | ') });
  }
  return results;
}

describe('the complaint form: required and optional fields come from the regulation', () => {
  for (const preset of ['swt-dordrecht', 'ondersteuningsteam', 'ons-welzijn']) {
    describe(preset, () => {
      let rt: TestRuntime;
      beforeAll(async () => {
        rt = await testRuntime(preset);
      });
      afterAll(async () => rt?.stop());

      it('filled as the form says, every variant is accepted', async () => {
        const results = await fileAsTheFormSays(rt);
        for (const r of results) expect(r, JSON.stringify(r)).toMatchObject({ status: 303 });
      });
    });
  }

  it('SWT Dordrecht asks for the address, as its regulation does (Awb 9:4 lid 2)', async () => {
    const rt = await testRuntime('swt-dordrecht');
    try {
      const fields = fieldsOf(await (await fetch(`${rt.url}/klacht-indienen`)).text());
      const optional = Object.fromEntries(fields.map((f) => [f.id, f.optional]));
      expect(optional).toMatchObject({ name: false, street: false, postcode: false, city: false, email: true });
    } finally {
      await rt.stop();
    }
  });
});
