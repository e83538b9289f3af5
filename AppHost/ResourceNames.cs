namespace TrustedOss.AppHost;

/// <summary>Resource names as the dashboard shows them; shared with the tests.</summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string KeysDatabase = "keys-db";
    public const string WebhooksDatabase = "webhooks-db";
    public const string ScansDatabase = "scans-db";
    public const string Redis = "redis";
    public const string GatewayRedis = "redis-gateway";
    public const string KeysRedis = "redis-keys";
    public const string WebhookIngestRedis = "redis-webhook-ingest";
    public const string ScansRedis = "redis-scans";
    public const string WebRedis = "redis-web";
    public const string RabbitMq = "rabbitmq";
    public const string RabbitMqEpmd = "rabbitmq-epmd";
    public const string KeysBus = "rabbitmq-keys";
    public const string WebhookIngestBus = "rabbitmq-webhook-ingest";
    public const string ScansBus = "rabbitmq-scans";
    public const string Keys = "keys";
    public const string WebhookIngest = "webhook-ingest";
    public const string Scans = "scans";
    public const string Gateway = "gateway";
    public const string Web = "web";

    public static readonly string[] All =
    [
        Postgres, KeysDatabase, WebhooksDatabase, ScansDatabase, Redis, RabbitMq, RabbitMqEpmd, KeysBus, WebhookIngestBus, ScansBus,
        Keys, WebhookIngest, Scans, Gateway, Web,
    ];
}
