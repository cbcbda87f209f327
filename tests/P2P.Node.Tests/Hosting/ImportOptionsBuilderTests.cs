using P2P.Node.Content.Importing;
using P2P.Node.Hosting;
using P2P.Node.Multiformats;

namespace P2P.Node.Tests.Hosting;

/// <summary>The one mapping of kubo's add flags to import options, which the CLI and the API's add both call.</summary>
public sealed class ImportOptionsBuilderTests
{
    [Fact]
    public void Build_NoFlags_IsTheImporterDefault()
    {
        Assert.Equal(new ImportOptions(), ImportOptionsBuilder.Build(new KuboAddFlags()));
    }

    [Fact]
    public void Build_Profile_FlagsGivenOverrideIt()
    {
        var options = ImportOptionsBuilder.Build(new KuboAddFlags { Profile = "unixfs-v1-2025", MaxLinks = 2, Hidden = true });

        Assert.Equal(ImportOptions.UnixFsV1_2025.ChunkSize, options.ChunkSize);
        Assert.Equal(2, options.MaxLinks);
        Assert.True(options.IncludeHidden);
    }

    [Fact]
    public void Build_EachFlag_LandsInItsOption()
    {
        var options = ImportOptionsBuilder.Build(new KuboAddFlags { CidVersion = 0, RawLeaves = true, Chunker = "size-1024", OnlyHash = true });

        Assert.Equal(0, options.CidVersion);
        Assert.True(options.RawLeaves);
        Assert.Equal(1024, options.ChunkSize);
        Assert.True(options.OnlyHash);
    }

    [Fact]
    public void Build_Blake3WithoutVersion_UsesCidV1()
    {
        var options = ImportOptionsBuilder.Build(new KuboAddFlags { Hash = "blake3" });

        Assert.Equal(Multicodec.Blake3, options.HashFunction);
        Assert.Equal(1, options.CidVersion);
    }

    [Theory]
    [InlineData(0, "blake3", null, null, "--hash blake3 needs CIDv1 (CIDv0 is sha2-256 only)")]
    [InlineData(2, "sha2-256", null, null, "--cid-version must be 0 or 1")]
    [InlineData(null, "md5", null, null, "unsupported hash 'md5': use sha2-256 or blake3")]
    [InlineData(null, "sha2-256", "rabin-12-512-1024", null, "rabin min must be greater than 16")]
    [InlineData(null, "sha2-256", "size-0", null, "chunker size must be greater than 0")]
    [InlineData(null, "sha2-256", "fastcdc", null, "unrecognized chunker option: fastcdc")]
    [InlineData(null, "sha2-256", null, "fast", "unknown profile 'fast': use unixfs-v1-2025")]
    public void Build_BadFlags_ThrowArgumentExceptionSayingWhy(int? cidVersion, string hash, string? chunker, string? profile, string message)
    {
        var flags = new KuboAddFlags { CidVersion = cidVersion, Hash = hash, Chunker = chunker, Profile = profile };

        var error = Assert.ThrowsAny<ArgumentException>(() => ImportOptionsBuilder.Build(flags));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Build_OutOfRangeLinks_FailsTheImportersOwnCheck()
    {
        Assert.ThrowsAny<ArgumentException>(() => ImportOptionsBuilder.Build(new KuboAddFlags { MaxLinks = 1 }));
    }
}
