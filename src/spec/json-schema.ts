import { z } from 'zod';
import { federationSchema } from './schema.js';

/**
 * The JSON Schema of the spec for editors (YAML language servers read it through a
 * `# yaml-language-server: $schema=...` comment). Generated from the same zod schema that
 * validates, so the two cannot drift; a test checks the committed file is current.
 */
export function federationJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(federationSchema, { io: 'input', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: 'https://kfed.dev/schema/federation.schema.json',
    title: 'kfed Federation',
    description: 'A Kubernetes cluster federation built by kfed (apiVersion kfed.dev/v1alpha1).',
  };
}
