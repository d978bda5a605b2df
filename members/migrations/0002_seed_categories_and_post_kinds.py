from django.db import migrations

CATEGORIES = [
    ("in_service", "在职"),
    ("retired", "离退休"),
    ("floating", "流动"),
    ("unemployed", "下岗失业"),
    ("student", "学生"),
    ("farmer", "农民"),
    ("low_income", "低保"),
    ("aged_or_ill", "年老病重"),
]
POST_KINDS = [
    "党建联络岗",
    "政策宣传岗",
    "建言献策岗",
    "文明示范岗",
    "扶贫帮困岗",
    "民事调解岗",
    "文化传播岗",
    "治安防范岗",
    "环境维护岗",
    "妇女维权岗",
]


def seed(apps, schema_editor):
    MemberCategory = apps.get_model("members", "MemberCategory")
    PostKind = apps.get_model("members", "PostKind")
    for code, name in CATEGORIES:
        MemberCategory.objects.get_or_create(code=code, defaults={"name": name})
    for name in POST_KINDS:
        PostKind.objects.get_or_create(community=None, name=name)


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
