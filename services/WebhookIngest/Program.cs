using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Data;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.WebhookIngest;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddWebhookIngestServices();

var app = builder.Build();
app.UseApiDefaults();
await app.MigrateDatabaseAsync();
app.MapDefaultEndpoints();
app.MapWebhooksApi();
await app.RunAsync();
