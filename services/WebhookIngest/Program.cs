using TrustedOss.Data;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.WebhookIngest;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiDocument();
builder.AddWebhookIngestServices();

var app = builder.Build();
app.UseApiDefaults();
app.UseCallerIdentity();
await app.MigrateDatabaseAsync();
app.MapDefaultEndpoints();
app.MapApiDocument();
app.MapWebhooksApi();
await app.RunAsync();
