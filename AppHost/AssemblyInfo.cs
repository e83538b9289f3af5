using System.Runtime.Versioning;

// The AppHost runs the servers from Debian's packages: it is a Linux program.
[assembly: SupportedOSPlatform("linux")]
