import type { EntityManager } from 'typeorm';

/**
 * Gives the quantities of `orderIds` back to stock, inside the caller's transaction. Product rows
 * are locked in id order, the order checkout locks them in, so a cancellation and a placement that
 * share products cannot deadlock.
 */
export async function releaseStock(manager: EntityManager, orderIds: readonly string[]): Promise<void> {
  if (orderIds.length === 0) return;
  await manager.query(
    `with give_back as (
       select i.product_id, sum(i.quantity)::int as quantity
         from order_item i
        where i.order_id = any($1::uuid[])
        group by i.product_id
     ),
     locked as materialized (
       select p.id from product p where p.id in (select product_id from give_back) order by p.id for update
     )
     update product p
        set stock = p.stock + g.quantity, updated_at = now()
       from give_back g
       join locked l on l.id = g.product_id
      where p.id = g.product_id`,
    [orderIds],
  );
}
