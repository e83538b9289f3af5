using TrustedOss.Data;
using TrustedOss.Keys;
using TrustedOss.Keys.Access;
using TrustedOss.Keys.ApiKeys;
using TrustedOss.Keys.Auth;
using TrustedOss.Keys.Directory;
using TrustedOss.Keys.Projects;
using TrustedOss.ServiceDefaults;
using TrustedOss.ServiceDefaults.Http;
using TrustedOss.ServiceDefaults.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApiDocument();
builder.AddKeysServices();

var app = builder.Build();
app.UseApiDefaults();
app.UseCallerIdentity();
await app.MigrateDatabaseAsync();
await app.BootstrapAdminAsync();
app.MapDefaultEndpoints();
app.MapApiDocument();
app.MapAuthApi();
app.MapDirectoryApi();
app.MapProjectsApi();
app.MapApiKeysApi();
app.MapInternalApi();
await app.RunAsync();
