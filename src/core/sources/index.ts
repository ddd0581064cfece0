export * from './types';
export * from './registry';
export { embeddedImages } from './note-reader';
export { IMAGE_EXTENSIONS, imageMime, imageSize, toBase64 } from './image-reader';
