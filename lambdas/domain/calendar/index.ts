export * from './deadline.js';
export * from './holidays.js';
export * from './term.js';
