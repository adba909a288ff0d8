/**
 * The part of `@paypal/checkout-server-sdk` (1.0.3, no types of its own) the PayPal adapter uses.
 * Requests are plain objects `{ path, verb, body, headers }` that the client executes.
 */
declare module '@paypal/checkout-server-sdk' {
  export interface PaypalRequest {
    path: string;
    verb: string;
    body: unknown;
    headers: Record<string, string>;
  }

  export interface PaypalResponse<T = unknown> {
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
    result: T;
  }

  /** Rejected with by the client for a non-2xx answer: `message` is the response body. */
  export interface PaypalHttpError extends Error {
    statusCode: number;
    headers: Record<string, string | string[] | undefined>;
  }

  export namespace core {
    class PayPalEnvironment {
      constructor(clientId: string, clientSecret: string, baseUrl: string, webUrl: string);
      readonly baseUrl: string;
      readonly webUrl: string;
    }
    class PayPalHttpClient {
      constructor(environment: PayPalEnvironment);
      execute<T = unknown>(request: PaypalRequest): Promise<PaypalResponse<T>>;
    }
  }

  export namespace orders {
    class OrdersCreateRequest implements PaypalRequest {
      path: string;
      verb: string;
      body: unknown;
      headers: Record<string, string>;
      prefer(value: string): this;
      requestBody(body: object): this;
    }
    class OrdersGetRequest implements PaypalRequest {
      constructor(orderId: string);
      path: string;
      verb: string;
      body: unknown;
      headers: Record<string, string>;
    }
    class OrdersCaptureRequest implements PaypalRequest {
      constructor(orderId: string);
      path: string;
      verb: string;
      body: unknown;
      headers: Record<string, string>;
      payPalRequestId(id: string): this;
      prefer(value: string): this;
      requestBody(body: object): this;
    }
  }

  export namespace payments {
    class CapturesRefundRequest implements PaypalRequest {
      constructor(captureId: string);
      path: string;
      verb: string;
      body: unknown;
      headers: Record<string, string>;
      payPalRequestId(id: string): this;
      prefer(value: string): this;
      requestBody(body: object): this;
    }
  }

  const paypal: { core: typeof core; orders: typeof orders; payments: typeof payments };
  export default paypal;
}
