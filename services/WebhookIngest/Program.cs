using TrustedOss.Data;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;
using TrustedOss.WebhookIngest;
using TrustedOss.WebhookIngest.Receiving;
using TrustedOss.WebhookIngest.Settings;

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
app.MapWebhookSettingsApi();
await app.RunAsync();
