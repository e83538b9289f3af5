using Microsoft.Extensions.Configuration;
using TrustedOss.AppHost;
using TrustedOss.AppHost.LocalServers;

var builder = DistributedApplication.CreateBuilder(args);

// The servers run from the machine's own packages. Run mode keeps their data in a git-ignored
// folder (tests point it at a temporary one); publishing the manifest touches nothing.
var files = builder.ExecutionContext.IsRunMode
    ? new LocalServerFiles(builder.Configuration[LocalServerFiles.DataPathKey]
        ?? Path.Combine(builder.AppHostDirectory, "..", ".data"))
    : null;

var postgres = builder.AddLocalPostgres(ResourceNames.Postgres, files);
var keysDb = postgres.AddDatabase(ResourceNames.KeysDatabase, "keys");
var webhooksDb = postgres.AddDatabase(ResourceNames.WebhooksDatabase, "webhooks");
var scansDb = postgres.AddDatabase(ResourceNames.ScansDatabase, "scans");
var redis = builder.AddLocalRedis(ResourceNames.Redis, files);
var rabbitmq = builder.AddLocalRabbitMq(ResourceNames.RabbitMq, files);

var keys = builder.AddProject<Projects.Keys>(ResourceNames.Keys)
    .WithReference(keysDb).WaitFor(keysDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithHttpHealthCheck("/health");

var webhookIngest = builder.AddProject<Projects.WebhookIngest>(ResourceNames.WebhookIngest)
    .WithReference(webhooksDb).WaitFor(webhooksDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithHttpHealthCheck("/health");

var scans = builder.AddProject<Projects.Scans>(ResourceNames.Scans)
    .WithReference(scansDb).WaitFor(scansDb)
    .WithReference(redis).WaitFor(redis)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithHttpHealthCheck("/health");

// The only public door. "Gateway:Port" (default 8080) moves it.
var gatewayPort = builder.Configuration.GetValue("Gateway:Port", 8080);
builder.AddProject<Projects.Gateway>(ResourceNames.Gateway)
    .WithEndpoint("http", endpoint => endpoint.Port = gatewayPort)
    .WithExternalHttpEndpoints()
    .WithReference(keys).WaitFor(keys)
    .WithReference(webhookIngest).WaitFor(webhookIngest)
    .WithReference(scans).WaitFor(scans)
    .WithHttpHealthCheck("/health");

builder.Build().Run();
