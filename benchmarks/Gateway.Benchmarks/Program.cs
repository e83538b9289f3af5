using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(TrustedOss.Gateway.Benchmarks.KeyHashBenchmarks).Assembly).Run(args);
