using System.Runtime.Versioning;

// The local servers the AppHost runs exist on Linux only.
[assembly: SupportedOSPlatform("linux")]
