using Microsoft.Extensions.Configuration;
using TrustedOss.AppHost;
using TrustedOss.AppHost.LocalServers;

var builder = DistributedApplication.CreateBuilder(args);

// The servers run from the machine's own packages. Run mode keeps their data between runs (tests
// point it at a temporary folder); publishing the manifest touches nothing.
var files = builder.ExecutionContext.IsRunMode ? LocalServerFiles.Open(builder.Configuration, builder.AppHostDirectory) : null;
if (files is not null)
{
    Console.WriteLine($"Data:      {files.Root}");
}

var postgres = builder.AddLocalPostgres(ResourceNames.Postgres, files);
var keysDb = postgres.AddDatabase(ResourceNames.KeysDatabase, "keys", files);
var webhooksDb = postgres.AddDatabase(ResourceNames.WebhooksDatabase, "webhooks", files);
var scansDb = postgres.AddDatabase(ResourceNames.ScansDatabase, "scans", files);
var redis = builder.AddLocalRedis(ResourceNames.Redis, files);
// Each process has its own Redis user with only the keys it uses (read-only where it only reads):
// API-key entries are written by Keys alone, which the gateway only reads.
var gatewayRedis = redis.AddServiceUser(ResourceNames.GatewayRedis, "gateway", files,
    "%R~api-keys:* ~api-keys:usage ~rate:* ~auth-failures:* ~instances:TrustedOss.Gateway:* &api-keys:changed");
var keysRedis = redis.AddServiceUser(ResourceNames.KeysRedis, "keys", files,
    "~api-keys:* ~login-attempts:* ~login-failures:* %R~rate:* ~instances:TrustedOss.Keys:* &api-keys:changed &api-keys:rows-changed &people:changed");
var webhookIngestRedis = redis.AddServiceUser(ResourceNames.WebhookIngestRedis, "webhook-ingest", files,
    "%R~active-scan:* ~webhooks:settings-version ~instances:TrustedOss.WebhookIngest:*");
var scansRedis = redis.AddServiceUser(ResourceNames.ScansRedis, "scans", files, "~active-scan:* ~active-scan-ended:* ~instances:TrustedOss.Scans:* &scans:changed");
var webRedis = redis.AddServiceUser(ResourceNames.WebRedis, "web", files, "~web-sessions:* ~web-reveals:* ~web-data-protection-keys ~instances:TrustedOss.Web:*");
var rabbitmq = builder.AddLocalRabbitMq(ResourceNames.RabbitMq, files);
// Each service has its own RabbitMQ user, allowed only the exchanges of the messages it publishes
// or consumes and the queues of its own consumers (MassTransit's names: message type, kebab-case
// consumer).
var keysBus = rabbitmq.AddServiceUser(ResourceNames.KeysBus, "keys", files,
    ["TrustedOss.Contracts:AuditRecorded", "TrustedOss.Contracts:AuditBatchRecorded", "TrustedOss.Keys.ApiKeys:ApiKeyCacheStale"],
    ["audit-recorded", "api-key-cache-stale"]);
var webhookIngestBus = rabbitmq.AddServiceUser(ResourceNames.WebhookIngestBus, "webhook-ingest", files,
    ["TrustedOss.Contracts:DeliveryReceived", "TrustedOss.Contracts:AuditRecorded", "TrustedOss.Contracts:AuditBatchRecorded"], []);
var scansBus = rabbitmq.AddServiceUser(ResourceNames.ScansBus, "scans", files,
    ["TrustedOss.Contracts:DeliveryReceived", "TrustedOss.Contracts:ScanRequested"], ["delivery-received", "scan-requested"]);

// The identities the gateway forwards carry a tag made with the receiving service's own key (and
// one with the Keys service's, which answers the others on a caller's behalf): each service holds
// only its key, the gateway all of them.
var keysIdentityKey = builder.AddIdentityKey(ResourceNames.Keys, files);
var webhookIngestIdentityKey = builder.AddIdentityKey(ResourceNames.WebhookIngest, files);
var scansIdentityKey = builder.AddIdentityKey(ResourceNames.Scans, files);
// The web page takes no identities (it has its own sessions); the gateway uses its key to vouch for
// the browser's address to itself when the page calls the API on the person's behalf.
var webIdentityKey = builder.AddIdentityKey(ResourceNames.Web, files);
// People's access tokens (issued by keys, validated by the gateway) and the API-key hash pepper.
var jwtKey = builder.AddGeneratedSecret("jwt-signing-key", files);
var apiKeyPepper = builder.AddGeneratedSecret("api-key-pepper", files);
// Webhook secrets are encrypted at rest with a key derived from this.
var webhookSecretKey = builder.AddGeneratedSecret("webhook-secret-key", files);

// Every service is stateless, so any number of replicas works ("Services:Replicas"; the system
// tests run two of each service, so every feature is proven with competing replicas). The gateway
// runs once here, in front of the orchestrator's proxy rather than behind it, to see clients' own
// addresses; the read-load harness runs a second one beside it (docs/benchmarks.md).
var replicas = builder.Configuration.GetValue("Services:Replicas", 1);

// No process trusts a client's X-Forwarded-For: the gateway is the edge and sees each client's
// own address, and the services learn it only from the gateway's identity and headers.
var keys = builder.AddProject<Projects.Keys>(ResourceNames.Keys)
    .DisableForwardedHeaders()
    .WithServiceReplicas(builder, replicas)
    .WithReference(keysDb).WaitFor(keysDb)
    .WithReference(keysRedis, ResourceNames.Redis).WaitFor(redis)
    .WithReference(keysBus, ResourceNames.RabbitMq).WaitFor(keysBus)
    .WithEnvironment("Identity__Key", keysIdentityKey)
    .WithEnvironment("Jwt__SigningKey", jwtKey)
    .WithEnvironment("ApiKeys__Pepper", apiKeyPepper)
    .WithManagementEndpoint()
    .WithRunSettings(builder);
if (files is null)
{
    // Deployed, the first super admin's password must be supplied; the development default is refused.
    keys.WithEnvironment("Bootstrap__Admin__Password", builder.AddParameter("admin-password", secret: true));
}

var webhookIngest = builder.AddProject<Projects.WebhookIngest>(ResourceNames.WebhookIngest)
    .DisableForwardedHeaders()
    .WithServiceReplicas(builder, replicas)
    .WithReference(webhooksDb).WaitFor(webhooksDb)
    .WithReference(webhookIngestRedis, ResourceNames.Redis).WaitFor(redis)
    .WithReference(webhookIngestBus, ResourceNames.RabbitMq).WaitFor(webhookIngestBus)
    .WithReference(keys)
    .WithEnvironment("Identity__Key", webhookIngestIdentityKey)
    .WithEnvironment("Webhooks__SecretKey", webhookSecretKey)
    .WithManagementEndpoint()
    .WithRunSettings(builder);

var scans = builder.AddProject<Projects.Scans>(ResourceNames.Scans)
    .DisableForwardedHeaders()
    .WithServiceReplicas(builder, replicas)
    .WithReference(scansDb).WaitFor(scansDb)
    .WithReference(scansRedis, ResourceNames.Redis).WaitFor(redis)
    .WithReference(scansBus, ResourceNames.RabbitMq).WaitFor(scansBus)
    .WithReference(keys)
    .WithEnvironment("Identity__Key", scansIdentityKey)
    .WithManagementEndpoint()
    .WithRunSettings(builder);

// The web page: server-rendered, signed-in sessions in Redis, everything it shows from the public
// API through the gateway (below), and reached only through the gateway.
var web = builder.AddProject<Projects.Web>(ResourceNames.Web)
    .DisableForwardedHeaders()
    .WithServiceReplicas(builder, replicas)
    .WithReference(webRedis, ResourceNames.Redis).WaitFor(redis)
    .WithManagementEndpoint()
    .WithRunSettings(builder);

// The only public door. "Gateway:Port" (default 8080) moves it. It is not behind the
// orchestrator's proxy, so it sees each client's real address (per-client limits, last_used_ip).
var gatewayPort = builder.Configuration.GetValue("Gateway:Port", 8080);
var gateway = builder.AddProject<Projects.Gateway>(ResourceNames.Gateway)
    .DisableForwardedHeaders()
    .WithEndpoint("http", endpoint =>
    {
        endpoint.Port = gatewayPort;
        endpoint.TargetPort = gatewayPort;
        endpoint.IsProxied = false;
    })
    .WithEndpoint("http", endpoint => endpoint.IsExternal = true)
    .WithReference(gatewayRedis, ResourceNames.Redis).WaitFor(redis)
    .WithEnvironment("Identity__Audiences__0__Name", ResourceNames.Keys)
    .WithEnvironment("Identity__Audiences__0__Key", keysIdentityKey)
    .WithEnvironment("Identity__Audiences__1__Name", ResourceNames.WebhookIngest)
    .WithEnvironment("Identity__Audiences__1__Key", webhookIngestIdentityKey)
    .WithEnvironment("Identity__Audiences__2__Name", ResourceNames.Scans)
    .WithEnvironment("Identity__Audiences__2__Key", scansIdentityKey)
    .WithEnvironment("Identity__Audiences__3__Name", ResourceNames.Web)
    .WithEnvironment("Identity__Audiences__3__Key", webIdentityKey)
    .WithEnvironment("Jwt__SigningKey", jwtKey)
    .WithEnvironment("ApiKeys__Pepper", apiKeyPepper)
    .WithReference(keys).WaitFor(keys)
    .WithReference(webhookIngest).WaitFor(webhookIngest)
    .WithReference(scans).WaitFor(scans)
    .WithReference(web)
    .WithManagementEndpoint()
    .WithRunSettings(builder);
web.WithReference(gateway.GetEndpoint("http"));

builder.Build().Run();
