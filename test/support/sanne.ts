/**
 * The complaint the tests, the bench and the simulation send: in a module of its own, so that the
 * simulation's workers take it without test/support/runtime.ts and what that imports (nodemailer,
 * for the tests that send mail; #19).
 */
export const SANNE = {
  complainant: {
    name: 'Sanne de Vries',
    email: 'sanne@example.nl',
    phone: '0612345678',
    address: { street: 'Dorpsstraat 1', postcode: '1234 AB', city: 'Oss' },
  },
  role: 'client',
  description: 'Mijn procesbegeleider kwam twee afspraken niet na.',
  incidentDate: '2026-08-20',
  consent: true,
};
