using P2P.Node.Storage;

namespace P2P.Node.Tests.Storage;

/// <summary>The one temp-then-rename writer: the target is whole or untouched, and no temp file is left behind.</summary>
public sealed class AtomicFileTests
{
    [Fact]
    public void Write_ReplacesTheTargetAndLeavesNoTemp()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("config.json");
        File.WriteAllText(path, "old");
        AtomicFile.Write(path, "new"u8);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_WhenTheWriterThrows_KeepsTheOldFileAndRemovesTheTemp()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("pins");
        File.WriteAllText(path, "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half"u8);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void Write_WithANamedTemp_OverwritesALeftoverOfThatName()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("segment.bad");
        var temp = path + AtomicFile.TempExtension;
        File.WriteAllText(temp, "left by a crash");
        AtomicFile.Write(path, stream => stream.Write("copied"u8), tempPath: temp);
        Assert.Equal("copied", File.ReadAllText(path));
        Assert.False(File.Exists(temp));
    }

    [Fact]
    public async Task WriteAsync_StreamsIntoPlace()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("site.car");
        var data = Enumerable.Range(0, 3 << 20).Select(i => (byte)i).ToArray();
        await AtomicFile.WriteAsync(path, (stream, ct) => stream.WriteAsync(data, ct).AsTask(), CancellationToken.None, durable: false);
        Assert.Equal(data, await File.ReadAllBytesAsync(path));
        Assert.Equal([path], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task WriteAsync_WhenCancelled_LeavesNoTargetAndNoTemp()
    {
        using var dir = new TempDirectory();
        var path = dir.Join("cut.car");
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await stream.WriteAsync("partial"u8.ToArray(), ct);
            await cancel.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }, cancel.Token));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public void RemoveTemporaryFiles_DeletesOnlyTemps()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Join("keep"), "x");
        File.WriteAllText(dir.Join("keep.0123" + AtomicFile.TempExtension), "x");
        Assert.Equal(1, AtomicFile.RemoveTemporaryFiles(dir.Path));
        Assert.Equal([dir.Join("keep")], Directory.GetFiles(dir.Path));
    }
}
