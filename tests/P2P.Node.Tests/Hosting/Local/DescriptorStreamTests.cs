using System.IO.Pipes;
using Microsoft.Win32.SafeHandles;
using P2P.Node.Hosting.Local;

namespace P2P.Node.Tests.Hosting.Local;

/// <summary>
/// Writes to a descriptor the user gave go through the descriptor's shared offset (write(2)), as a shell expects of
/// `(cmd1; cmd2) &gt; f` and `&gt;&gt;`; a closed pipe is EPIPE in the exception's HResult.
/// </summary>
public sealed class DescriptorStreamTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("p2p-descriptor-").FullName;

    [Fact]
    public void TwoWritersOnOneDescriptor_WriteOneAfterTheOther()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var path = Path.Join(_dir, "out");
        using (var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
        {
            var fd = (int)handle.DangerousGetHandle();
            // Two processes in a row on one stdout, each with a stream of its own over the same open file.
            using (var first = new DescriptorStream(fd, owns: false))
                first.Write("first,"u8);
            using (var second = new DescriptorStream(fd, owns: false))
                second.Write("second"u8);
        }
        Assert.Equal("first,second", File.ReadAllText(path));
    }

    [Fact]
    public void FileStreamOnTheSameDescriptor_WouldOverwrite_WhichIsWhyStdoutDoesNotUseIt()
    {
        if (!OperatingSystem.IsLinux())
            return;
        var path = Path.Join(_dir, "out");
        using (var handle = File.OpenHandle(path, FileMode.Create, FileAccess.Write))
        {
            // As StdoutStream did: a FileStream over a handle it does not own, one per process.
            var fd = handle.DangerousGetHandle();
            using (var first = new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0))
                first.Write("first,"u8);
            using (var second = new FileStream(new SafeFileHandle(fd, ownsHandle: false), FileAccess.Write, bufferSize: 0))
                second.Write("second"u8);
        }
        // The second FileStream wrote at 0 again (pwrite at its own position): the bug StdoutStream had.
        Assert.Equal("second", File.ReadAllText(path));
    }

    [Fact]
    public void WriteIntoAClosedPipe_IsAnIOExceptionWithEpipe()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var pipe = new AnonymousPipeServerStream(PipeDirection.Out);
        // Our only read end closed: the reader has gone.
        pipe.DisposeLocalCopyOfClientHandle();
        using var stream = new DescriptorStream((int)pipe.SafePipeHandle.DangerousGetHandle(), owns: false);
        var error = Assert.Throws<IOException>(() => stream.Write(new byte[100]));
        Assert.Equal(32, error.HResult);
    }

    [Fact]
    public async Task LargeWriteIntoAPipe_IsContinuedUntilEveryByteIsWritten()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var pipe = new AnonymousPipeServerStream(PipeDirection.In);
        var data = new byte[1 << 20];
        new Random(7).NextBytes(data);
        var writer = Task.Run(() =>
        {
            // 1 MiB into a 64 KiB pipe: write(2) returns short counts and the loop continues them.
            using var stream = new DescriptorStream((int)pipe.ClientSafePipeHandle.DangerousGetHandle(), owns: false);
            stream.Write(data);
            Assert.Equal(data.Length, stream.Written);
        });
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (received.Length < data.Length)
            received.Write(buffer, 0, pipe.Read(buffer));
        await writer.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(data, received.ToArray());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
