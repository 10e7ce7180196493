export { buildWriterServer } from './http-server.ts';
export { generateLoad, type LoadOptions, type LoadResult } from './load-generator.ts';
export { migrateOrders, type Order, OrderService, sampleOrders } from './order-service.ts';
export { migrateUsers, type User, UserService } from './user-service.ts';
export { createWriterService, sampleUsers } from './writer-service.ts';
