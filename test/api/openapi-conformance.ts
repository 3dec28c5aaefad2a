// Checks real HTTP answers against the API's own OpenAPI document: the status must be documented
// for the operation the URL reaches, the media type must be one the document gives for it, and
// the body must match that schema (ajv, JSON Schema 2020-12, strict mode, formats checked). Every
// check is recorded, so a suite can tell which documented answers it never saw.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Answer } from './stack';

interface MediaType {
  schema: unknown;
}
interface Operation {
  responses: Record<string, { description: string; content?: Record<string, MediaType> }>;
  requestBody?: { content: Record<string, MediaType> };
  parameters?: { name: string; in: string; schema: unknown }[];
  'x-roles'?: string[];
  security?: unknown[];
}
export interface OpenApiDocument {
  openapi: string;
  components: { schemas: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

const BASE = 'https://refundflow.test/openapi.json';
/** A JSON pointer into the document as a URI fragment ajv resolves. */
const pointer = (...parts: string[]): string =>
  `${BASE}#/${parts.map((p) => encodeURIComponent(p.replace(/~/g, '~0').replace(/\//g, '~1'))).join('/')}`;

export class Conformance {
  private readonly ajv = new Ajv2020({ strict: true, allErrors: true });
  private readonly templates: { template: string; pattern: RegExp }[];
  /** "METHOD /template" → the statuses checked against the document. */
  readonly seen = new Map<string, Set<string>>();

  constructor(readonly doc: OpenApiDocument) {
    addFormats(this.ajv);
    // The document's own fields are not JSON Schema keywords; schemas inside it are reached by pointer.
    for (const keyword of Object.keys(doc)) if (keyword !== '$id') this.ajv.addKeyword({ keyword });
    this.ajv.addSchema({ ...doc, $id: BASE });
    this.templates = Object.keys(doc.paths).map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
    }));
  }

  /** Every schema in the document, compiled: any that is not valid JSON Schema throws. */
  compileAll(): number {
    let compiled = 0;
    for (const id of Object.keys(this.doc.components.schemas)) {
      this.validator('components', 'schemas', id);
      compiled += 1;
    }
    for (const [path, operations] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const [status, response] of Object.entries(op.responses)) {
          for (const media of Object.keys(response.content ?? {})) {
            this.validator('paths', path, method, 'responses', status, 'content', media, 'schema');
            compiled += 1;
          }
        }
        for (const media of Object.keys(op.requestBody?.content ?? {})) {
          this.validator('paths', path, method, 'requestBody', 'content', media, 'schema');
          compiled += 1;
        }
        (op.parameters ?? []).forEach((_p, i) => {
          this.validator('paths', path, method, 'parameters', String(i), 'schema');
          compiled += 1;
        });
      }
    }
    return compiled;
  }

  /** The operation a real URL reaches, as "METHOD /template". */
  operationOf(method: string, url: string): { key: string; template: string; operation: Operation } {
    const path = url.split('?')[0]!;
    const match = this.templates.find((t) => t.pattern.test(path));
    const operation = match && this.doc.paths[match.template]?.[method.toLowerCase()];
    if (!match || !operation) throw new Error(`${method} ${path} is not in the OpenAPI document`);
    return { key: `${method.toUpperCase()} ${match.template}`, template: match.template, operation };
  }

  /** Throws unless the answer is documented for this operation and its body matches the schema. */
  check(method: string, url: string, answer: Pick<Answer<unknown>, 'status' | 'body' | 'headers'>): void {
    const { key, template, operation } = this.operationOf(method, url);
    const status = String(answer.status);
    const response = operation.responses[status];
    const where = `${key} answered ${status}`;
    if (!response) {
      throw new Error(
        `${where}, which the document does not list (it lists ${Object.keys(operation.responses).join(', ')}): ${JSON.stringify(answer.body).slice(0, 300)}`,
      );
    }
    const media = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const documented = Object.keys(response.content ?? {});
    if (!documented.includes(media)) {
      throw new Error(
        `${where} as ${media || 'no media type'}; the document gives ${documented.join(', ') || 'no body'}`,
      );
    }
    const validate = this.validator(
      'paths',
      template,
      method.toLowerCase(),
      'responses',
      status,
      'content',
      media,
      'schema',
    );
    if (!validate(answer.body)) {
      throw new Error(
        `${where} with a body the document does not describe:\n${this.ajv.errorsText(validate.errors, { separator: '\n' })}\nbody: ${JSON.stringify(answer.body).slice(0, 1500)}`,
      );
    }
    let statuses = this.seen.get(key);
    if (!statuses) this.seen.set(key, (statuses = new Set()));
    statuses.add(status);
  }

  /** Errors when `body` does not match the named component schema (e.g. CheckoutCase), else undefined. */
  mismatch(schemaId: string, body: unknown): string | undefined {
    const validate = this.validator('components', 'schemas', schemaId);
    return validate(body) ? undefined : this.ajv.errorsText(validate.errors, { separator: '\n' });
  }

  /** Documented answers (besides `default`) that no check has seen, as "METHOD /template STATUS". */
  unseen(): string[] {
    const missing: string[] = [];
    for (const [path, operations] of Object.entries(this.doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        const key = `${method.toUpperCase()} ${path}`;
        for (const status of Object.keys(op.responses)) {
          if (status !== 'default' && !this.seen.get(key)?.has(status)) missing.push(`${key} ${status}`);
        }
      }
    }
    return missing;
  }

  private validator(...parts: string[]): ValidateFunction {
    const validate = this.ajv.getSchema(pointer(...parts));
    if (!validate) throw new Error(`no schema at ${parts.join('/')}`);
    return validate;
  }
}
