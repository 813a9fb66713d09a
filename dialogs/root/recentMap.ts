/**
 * Sets `key` in a Map kept in least-recently-set order and forgets the oldest keys beyond `max`: memory for recent
 * conversations that stays bounded however many there are.
 */
export function setRecent<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}
