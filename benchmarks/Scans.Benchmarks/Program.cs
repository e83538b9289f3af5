using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(TrustedOss.Scans.Benchmarks.InventoryBenchmarks).Assembly).Run(args);
