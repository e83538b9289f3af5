using TrustedOss.Scans;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Data;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddScansServices();

var app = builder.Build();
app.UseApiDefaults();
app.UseCallerIdentity();
await app.MigrateDatabaseAsync();
app.MapDefaultEndpoints();
app.MapScansApi();
await app.RunAsync();
