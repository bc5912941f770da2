-- A small shop: customers, their orders and the lines of each order.
CREATE TABLE customers (
  id        BIGINT PRIMARY KEY,
  email     VARCHAR(64) NOT NULL UNIQUE,
  name      VARCHAR(100),
  joined    DATE NOT NULL,
  vip       BOOLEAN
);

CREATE TABLE orders (
  id          UUID PRIMARY KEY,
  customer_id BIGINT NOT NULL REFERENCES customers (id),
  placed_at   TIMESTAMP WITH TIME ZONE NOT NULL,
  total       DECIMAL(12,2) NOT NULL,
  weight_kg   DOUBLE,
  note        VARCHAR(200)
);

CREATE TABLE order_lines (
  order_id  UUID NOT NULL,
  line_no   SMALLINT NOT NULL,
  sku       CHAR(8) NOT NULL,
  quantity  INTEGER NOT NULL,
  PRIMARY KEY (order_id, line_no),
  FOREIGN KEY (order_id) REFERENCES orders (id)
);
