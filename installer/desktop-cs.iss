; Inno Setup script of desktop_cs (Windows installer). UNTESTED: the Linux build machines cannot compile it.
; On Windows, from the repository folder:
;   .venv\Scripts\pyinstaller --noconfirm installer\desktop-cs.spec
;   iscc installer\desktop-cs.iss             -> dist\desktop-cs-setup-<version>.exe
; Installs for the current user by default (no administrator rights; the user may choose all users),
; with Start-menu and optional desktop shortcuts. The uninstaller keeps the data folder
; (%APPDATA%\desktop-cs: database, backups, logs, PDFs) unless the user asks to delete it.

#define AppName "Customer Service Desk"
#define AppExe "desktop-cs.exe"
#define Bundle AddBackslash(SourcePath) + "..\dist\desktop-cs"
; the version comes from the program's version resource, which the spec takes from the package metadata
#define AppVersion GetFileVersionString(Bundle + "\" + AppExe)

[Setup]
AppId={{6E0B7C52-3F0A-4C59-9E0D-2B7A9F4C1D31}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=desktop-cs
DefaultDirName={autopf}\desktop-cs
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=desktop-cs-setup-{#AppVersion}
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif

[CustomMessages]
english.AppTitle=Customer Service Desk
english.DeleteData=Also delete the data folder %1 (the database, its backups, logs and PDFs)?%n%nChoose No to keep it for a later installation.
#if FileExists(CompilerPath + "Languages\ChineseSimplified.isl")
chinesesimplified.AppTitle=客服工作台
chinesesimplified.DeleteData=是否同时删除数据文件夹 %1（数据库、备份、日志和 PDF）？%n%n选择“否”将保留数据，供以后重新安装使用。
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{cm:AppTitle}"; Filename: "{app}\{#AppExe}"
Name: "{group}\{cm:UninstallProgram,{cm:AppTitle}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{cm:AppTitle}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{cm:AppTitle}}"; Flags: nowait postinstall skipifsilent

[Code]
// The data folder is %APPDATA%\desktop-cs\desktop-cs (QStandardPaths.AppDataLocation); settings sit beside it.
// A silent uninstall always keeps it; otherwise the user is asked, and No (the default) keeps it.
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{userappdata}\desktop-cs');
    if DirExists(DataDir) and not UninstallSilent() then
      if MsgBox(FmtMessage(CustomMessage('DeleteData'), [DataDir]), mbConfirmation,
                MB_YESNO or MB_DEFBUTTON2) = IDYES then
        DelTree(DataDir, True, True, True);
  end;
end;
