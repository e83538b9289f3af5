using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Identity;
using TrustedOss.Credentials.ApiKeys;

namespace TrustedOss.Gateway.Benchmarks;

/// <summary>
/// Why API keys get a keyed fast hash: HMAC-SHA256 (what we store) against plain SHA-256
/// (baseline) and the slow password hash people's passwords get (PBKDF2, ASP.NET Core Identity v3).
/// </summary>
[MemoryDiagnoser]
public class KeyHashBenchmarks
{
    private readonly string key = ApiKeyFormat.NewKey();
    private readonly ApiKeyOptions options = new() { Pepper = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)) };
    private readonly PasswordHasher<object> passwords = new();
    private string passwordHash = "";

    [GlobalSetup]
    public void Setup() => passwordHash = passwords.HashPassword(new object(), key);

    [Benchmark(Baseline = true)]
    public byte[] Sha256() => SHA256.HashData(Encoding.ASCII.GetBytes(key));

    [Benchmark]
    public byte[] HmacSha256WithPepper() => options.Hash(key);

    [Benchmark]
    public PasswordVerificationResult Pbkdf2PasswordHash() => passwords.VerifyHashedPassword(new object(), passwordHash, key);
}
