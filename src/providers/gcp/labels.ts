/**
 * The resource label kfed puts on every zone and cluster it creates. Deletes skip anything
 * without it, so kfed never removes what a user made by hand (CAPG's ownership marker).
 */
export const ownerLabel = { key: 'managed-by', value: 'kfed' } as const;
