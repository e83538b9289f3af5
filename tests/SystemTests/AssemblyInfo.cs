using System.Runtime.Versioning;

// The system under test runs its servers from Debian's packages.
[assembly: SupportedOSPlatform("linux")]
