import { fromJSON, type PackageDefinition, type ServiceDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { CRI_PROTO } from './proto.js';

let definition: PackageDefinition | undefined;

/** The CRI package definition, parsed once per process from {@link CRI_PROTO}. */
function criDefinition(): PackageDefinition {
  // protobufjs turns snake_case field names into camelCase while parsing;
  // decoded messages keep 64-bit integers as strings and enums as names.
  definition ??= fromJSON(protobuf.parse(CRI_PROTO).root.toJSON(), {
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  return definition;
}

/** The method definitions of one CRI service (for a client, or a fake runtime in tests). */
export function criService(name: 'RuntimeService' | 'ImageService'): ServiceDefinition {
  const def = criDefinition()[`runtime.v1.${name}`];
  if (def === undefined || 'format' in def) throw new Error(`CRI proto has no service ${name}`);
  return def;
}
