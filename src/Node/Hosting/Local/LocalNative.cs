using System.Runtime.InteropServices;

namespace P2P.Node.Hosting.Local;

/// <summary>
/// The few Linux calls the local channel needs and .NET does not expose: sendmsg/recvmsg with an SCM_RIGHTS control
/// message (descriptor passing), and read/write on a descriptor the caller handed us. Hand-written rather than taken
/// from Tmds.LibC 0.5.0: that package ships only RID-specific assemblies (runtimes/linux-*/lib), which the RID-less
/// build, the ReadyToRun scripts and the dotnet-tool pack would each have to resolve, for six calls and three structs
/// whose layout is fixed by the 64-bit Linux ABI. Callers check <see cref="Supported"/> first.
/// </summary>
internal static unsafe partial class LocalNative
{
    public const int SolSocket = 1;
    public const int ScmRights = 1;
    public const int SoPeerCred = 17;
    public const int MsgCtrunc = 0x8;
    public const int MsgDontWait = 0x40;
    public const int MsgNoSignal = 0x4000;
    public const int MsgCmsgCloexec = 0x40000000;
    public const int Eintr = 4;
    public const int Eagain = 11;
    public const int Epipe = 32;

    /// <summary>The layouts below are LP64 Linux's (x64, arm64); anywhere else the CLI keeps to HTTP.</summary>
    public static bool Supported => OperatingSystem.IsLinux() && Environment.Is64BitProcess;

    /// <summary>struct cmsghdr: its length, level and type; the payload follows, aligned to 8 bytes.</summary>
    public const int CmsgHeader = 16;

    public static int CmsgSpace(int payload) => CmsgHeader + ((payload + 7) & ~7);

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct CmsgHdr
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint sendmsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint recvmsg(int fd, MsgHdr* message, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc")]
    public static partial uint geteuid();
}
