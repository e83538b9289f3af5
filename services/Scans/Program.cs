using TrustedOss.Data;
using TrustedOss.Scans;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiDocument();
builder.AddScansServices();

var app = builder.Build();
app.UseApiDefaults();
app.UseCallerIdentity();
await app.MigrateDatabaseAsync();
app.MapDefaultEndpoints();
app.MapApiDocument();
app.MapScansApi();
await app.RunAsync();
