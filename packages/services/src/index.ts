export { type CaptureServiceOptions, createCaptureService } from './capture-service.ts';
export { createPublisherService } from './publisher-service.ts';
export type { ServiceContext } from './service-context.ts';
