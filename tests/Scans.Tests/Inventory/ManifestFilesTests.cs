using TrustedOss.Scans.Inventory;

namespace TrustedOss.Scans.Tests.Inventory;

/// <summary>Repository paths: a file can name another only inside the commit.</summary>
public sealed class ManifestFilesTests
{
    [Theory]
    [InlineData("requirements", "base.txt", "requirements/base.txt")]
    [InlineData("requirements", "../constraints.txt", "constraints.txt")]
    [InlineData("src/App", "..\\..\\Directory.Packages.Analyzers.props", "Directory.Packages.Analyzers.props")]
    [InlineData("", "./sub//x.txt", "sub/x.txt")]
    [InlineData("requirements", "../../etc/passwd", null)]
    [InlineData("", "../x.txt", null)]
    [InlineData("a", "/etc/passwd", null)]
    [InlineData("a", "\\\\server\\share\\x", null)]
    [InlineData("a", "C:\\x.props", null)]
    [InlineData("a", "", null)]
    [InlineData("a", "..", null)]
    public void A_relative_path_resolves_inside_the_repository_or_not_at_all(string folder, string relative, string? resolved)
    {
        Assert.Equal(resolved, ManifestFiles.Resolve(folder, relative));
    }

    [Fact]
    public void Folders_file_names_and_ancestors_are_read_from_slashes()
    {
        Assert.Equal("a/b", ManifestFiles.FolderOf("a/b/c.txt"));
        Assert.Equal("", ManifestFiles.FolderOf("c.txt"));
        Assert.Equal("c.txt", ManifestFiles.FileName("a/b/c.txt"));
        Assert.Equal("a/c.txt", ManifestFiles.Join("a", "c.txt"));
        Assert.Equal("c.txt", ManifestFiles.Join("", "c.txt"));
        Assert.Equal(["a/b", "a", ""], ManifestFiles.FolderAndAncestors("a/b"));
    }

    [Fact]
    public void Paths_come_in_a_stable_order_and_by_name()
    {
        var files = new ManifestFiles(new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal)
        {
            ["b/yarn.lock"] = Array.Empty<byte>(),
            ["a/yarn.lock"] = Array.Empty<byte>(),
            ["a/package.json"] = Array.Empty<byte>(),
        });

        Assert.Equal(["a/package.json", "a/yarn.lock", "b/yarn.lock"], files.Paths);
        Assert.Equal(["a/yarn.lock", "b/yarn.lock"], files.Named("yarn.lock"));
    }
}
