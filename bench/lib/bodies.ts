/** Valid CreateOrder request bodies for the load generator (1,000 customers, used in turn). */
export function orderBodies(count = 1000): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      customerId: `bench-user-${i}`,
      customerEmail: `bench${i}@example.com`,
      totalAmount: 12900.5 + i,
      currency: 'KRW',
    }),
  );
}
