export * from './deadline.js';
export * from './holidays.js';
export * from './instant.js';
export * from './term.js';
