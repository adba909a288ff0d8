import { DomainError, InvalidInputError } from '@app/core';
import type { FastifyRequest } from 'fastify';
import { ImageTooLargeError } from './image-intake.js';

/** The two parts of an upload, read into memory (the image is at most DEVICE_IMAGE_MAX_BYTES). */
export interface UploadParts {
  image: Buffer;
  data: unknown;
}

/** Largest JSON part: gender, age, reference, email and consent fit in far less. */
const DATA_MAX_BYTES = 16 * 1024;

export class NotMultipartError extends DomainError {
  constructor() {
    super('unsupported-media-type', 'not-multipart', 'Unsupported Media Type', {
      detail: 'The upload must be multipart/form-data with an image part and a data part.',
      extensions: { errors: [{ field: 'content-type', reason: 'must be multipart/form-data' }] },
    });
  }
}

const code = (error: unknown): string | undefined => (error as { code?: string } | null)?.code;

/**
 * Reads `image` (a file part) and `data` (a JSON field, or a file part of type application/json);
 * any other part is refused by name. Limits are enforced while streaming: an image over the byte
 * limit is cut off there and refused (413), never buffered whole.
 */
export async function readUploadParts(request: FastifyRequest, maxImageBytes: number): Promise<UploadParts> {
  if (!request.isMultipart()) throw new NotMultipartError();
  let image: Buffer | undefined;
  let dataText: string | undefined;
  try {
    const parts = request.parts({
      limits: { fileSize: maxImageBytes, files: 2, fields: 2, parts: 3, fieldSize: DATA_MAX_BYTES },
    });
    for await (const part of parts) {
      if (part.fieldname === 'image' && part.type === 'file') {
        if (image) throw new InvalidInputError([{ field: 'image', reason: 'must be sent once' }]);
        image = await part.toBuffer();
      } else if (part.fieldname === 'data') {
        if (dataText !== undefined)
          throw new InvalidInputError([{ field: 'data', reason: 'must be sent once' }]);
        if (part.type === 'file') {
          const bytes = await part.toBuffer();
          if (bytes.length > DATA_MAX_BYTES)
            throw new InvalidInputError([
              { field: 'data', reason: `must be at most ${DATA_MAX_BYTES} bytes` },
            ]);
          dataText = bytes.toString('utf8');
        } else {
          if (part.valueTruncated)
            throw new InvalidInputError([
              { field: 'data', reason: `must be at most ${DATA_MAX_BYTES} bytes` },
            ]);
          dataText = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        }
      } else {
        if (part.type === 'file') part.file.resume();
        throw new InvalidInputError([{ field: part.fieldname, reason: 'is not a known part (image, data)' }]);
      }
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    switch (code(error)) {
      case 'FST_REQ_FILE_TOO_LARGE':
        throw new ImageTooLargeError('bytes', maxImageBytes);
      case 'FST_PARTS_LIMIT':
      case 'FST_FILES_LIMIT':
      case 'FST_FIELDS_LIMIT':
        throw new InvalidInputError([
          { field: 'body', reason: 'must have exactly the parts image and data' },
        ]);
      case 'FST_PROTO_VIOLATION':
        throw new InvalidInputError([{ field: 'body', reason: 'has a part name that is not allowed' }]);
      case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
        throw new NotMultipartError();
      default:
        throw new InvalidInputError([{ field: 'body', reason: 'is not well-formed multipart/form-data' }]);
    }
  }
  const missing = [
    ...(image && image.length > 0
      ? []
      : [{ field: 'image', reason: 'is required (a JPEG or PNG file part)' }]),
    ...(dataText === undefined ? [{ field: 'data', reason: 'is required (the JSON part)' }] : []),
  ];
  if (missing.length > 0) throw new InvalidInputError(missing);
  let data: unknown;
  try {
    data = JSON.parse(dataText as string);
  } catch {
    throw new InvalidInputError([{ field: 'data', reason: 'must be valid JSON' }]);
  }
  return { image: image as Buffer, data };
}
