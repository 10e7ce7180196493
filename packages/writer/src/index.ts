export { UserService, migrateUsers, type User } from './user-service.ts';
export { buildWriterServer } from './http-server.ts';
export { generateLoad, type LoadOptions, type LoadResult } from './load-generator.ts';
export { createWriterService, sampleUsers } from './writer-service.ts';
