import 'server-only';
export * from './accounts';
export * from './audit';
export * from './auth';
export * from './users';
export * from './providers';
export * from './numbers';
export * from './trunk-groups';
export * from './e911';
