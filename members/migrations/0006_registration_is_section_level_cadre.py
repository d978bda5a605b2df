from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0005_member_group_transferred_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalregistration",
            name="is_section_level_cadre",
            field=models.BooleanField(
                default=False,
                help_text="其社区表现反馈卡同时报送组织部门（本系统中为街道党工委工作人员）。",
                verbose_name="副科级及以上干部",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="is_section_level_cadre",
            field=models.BooleanField(
                default=False,
                help_text="其社区表现反馈卡同时报送组织部门（本系统中为街道党工委工作人员）。",
                verbose_name="副科级及以上干部",
            ),
        ),
    ]
