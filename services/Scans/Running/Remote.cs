using System.Net;
using TrustedOss.Scans.Running.Egress;

namespace TrustedOss.Scans.Running;

/// <summary>A checked repository URL: the transport git will use and, for a network one, the one address it may connect to.</summary>
public sealed record Remote(string Url, RepositoryTarget Target, IPAddress? Address);
