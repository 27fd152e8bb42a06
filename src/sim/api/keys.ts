// Object keys as client-go's cache package writes them: "namespace/name" for namespaced objects
// (MetaNamespaceKeyFunc), and the one place that splits them (SplitMetaNamespaceKey), so no caller
// parses a key by hand.

/** types.NamespacedName: an object's namespace and name. */
export interface NamespacedName {
  namespace: string;
  name: string;
}

/** MetaNamespaceKeyFunc: "namespace/name", or "name" for an object without a namespace. */
export function metaNamespaceKey(namespace: string, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** SplitMetaNamespaceKey: "namespace/name" to its parts; a key without "/" is a name with no namespace. */
export function splitMetaNamespaceKey(key: string): NamespacedName {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
