using System.Buffers;
using Microsoft.AspNetCore.Connections;

namespace P2P.Node.Hosting.Http;

/// <summary>
/// Gives Kestrel <see cref="LargeBlockMemoryPool"/>s. ASP.NET Core 10's socket transport takes its pools from the
/// <see cref="IMemoryPoolFactory{T}"/> registered in the host's services (the last registration wins), which is
/// the supported way to change the transport's block size; the option on the transport itself is internal.
/// </summary>
public sealed class LargeBlockPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
