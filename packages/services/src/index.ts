export { createCaptureService, createPublisherService } from './services.ts';
